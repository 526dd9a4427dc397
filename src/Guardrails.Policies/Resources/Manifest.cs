using System.Text.Json;

namespace Guardrails.Policies.Resources;

/// <summary>One document of a YAML or JSON stream: the object as JSON, or why it could not be read.</summary>
public sealed class Manifest : IDisposable
{
    private readonly JsonElement _root;
    private ReadOnce _apiVersion;
    private ReadOnce _kind;
    private ReadOnce _name;
    private ReadOnce _namespace;
    private ReadOnce _group;

    internal Manifest(int number, int line, JsonDocument? document, string? error)
    {
        Number = number;
        Line = line;
        Document = document;
        Error = error;
        _root = document?.RootElement ?? default;
    }

    /// <summary>An item of a larger document, cloned out of it, or (streamed) read in place while that document lives: it owns nothing to dispose.</summary>
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

    // Each is read several times per document on the way to a verdict (checks, the request, the report): read and
    // allocated once. A manifest never changes, so what is read first stays right.
    public string? ApiVersion => _apiVersion.Get(this, static m => m.Root.Child("apiVersion"u8).AsString());

    public string? Kind => _kind.Get(this, static m => m.Root.Child("kind"u8).AsString());

    public string? Name => _name.Get(this, static m => m.Root.Child("metadata"u8).Child("name"u8).AsString());

    public string? Namespace => _namespace.Get(this, static m => m.Root.Child("metadata"u8).Child("namespace"u8).AsString());

    /// <summary>The API group from <c>apiVersion</c>: <c>apps/v1</c> → <c>apps</c>, <c>v1</c> → "".</summary>
    public string Group => _group.Get(this, static m => m.ApiVersion is { } v && v.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? v[..slash] : "")!;

    public void Dispose() => Document?.Dispose();
}
