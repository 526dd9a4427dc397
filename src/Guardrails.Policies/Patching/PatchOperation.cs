using System.Text.Json.Nodes;

namespace Guardrails.Policies.Patching;

/// <summary>One RFC 6902 operation; factory names follow JsonPatch.Net's <c>PatchOperation</c>.</summary>
public sealed record PatchOperation(OperationType Op, string Path, JsonNode? Value = null, string? From = null)
{
    public static PatchOperation Add(string path, JsonNode? value) => new(OperationType.Add, path, value);

    public static PatchOperation Replace(string path, JsonNode? value) => new(OperationType.Replace, path, value);

    public static PatchOperation Remove(string path) => new(OperationType.Remove, path);

    public static PatchOperation Test(string path, JsonNode? value) => new(OperationType.Test, path, value);

    public static PatchOperation Move(string from, string path) => new(OperationType.Move, path, null, from);

    public static PatchOperation Copy(string from, string path) => new(OperationType.Copy, path, null, from);
}
