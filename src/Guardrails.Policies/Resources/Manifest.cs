using System.Text.Json;

namespace Guardrails.Policies.Resources;

/// <summary>One document of a YAML or JSON stream: the object as JSON, or why it could not be read.</summary>
public sealed class Manifest : IDisposable
{
    private readonly JsonElement _root;

    internal Manifest(int number, int line, JsonDocument? document, string? error)
    {
        Number = number;
        Line = line;
        Document = document;
        Error = error;
        _root = document?.RootElement ?? default;
    }

    /// <summary>An item of a larger document, cloned out of it (it owns no pooled memory, so there is nothing to dispose).</summary>
    internal Manifest(int number, int line, JsonElement root)
    {
        Number = number;
        Line = line;
        _root = root;
    }

    /// <summary>1-based position in the stream, as people count <c>---</c>-separated documents.</summary>
    public int Number { get; }

    public int Line { get; }

    public JsonDocument? Document { get; }

    public string? Error { get; }

    public JsonElement Root => _root;

    public string? ApiVersion => Root.Child("apiVersion"u8).AsString();

    public string? Kind => Root.Child("kind"u8).AsString();

    public string? Name => Root.Child("metadata"u8).Child("name"u8).AsString();

    public string? Namespace => Root.Child("metadata"u8).Child("namespace"u8).AsString();

    /// <summary>The API group from <c>apiVersion</c>: <c>apps/v1</c> → <c>apps</c>, <c>v1</c> → "".</summary>
    public string Group => ApiVersion is { } v && v.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? v[..slash] : "";

    public void Dispose() => Document?.Dispose();
}
