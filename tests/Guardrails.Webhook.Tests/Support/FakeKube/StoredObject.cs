using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>
/// One object as stored at one resourceVersion. Never changed once built: writers clone <see cref="Json"/>, and readers
/// outside the store's lock use only the serialized <see cref="Utf8"/> and the extracted fields.
/// </summary>
internal sealed class StoredObject
{
    private StoredObject(string collection, string? @namespace, string name, long resourceVersion, JsonObject json)
    {
        Collection = collection;
        Namespace = @namespace;
        Name = name;
        ResourceVersion = resourceVersion;
        Json = json;
        Key = ResourcePath.ObjectKey(collection, @namespace, name);
        Utf8 = FakeJson.ToUtf8(json);
        Labels = (json["metadata"]?["labels"] as JsonObject)?
            .Where(p => p.Value is JsonValue)
            .ToFrozenDictionary(p => p.Key, p => p.Value!.ToString(), StringComparer.Ordinal)
            ?? FrozenDictionary<string, string>.Empty;
    }

    public string Key { get; }

    public string Collection { get; }

    public string? Namespace { get; }

    public string Name { get; }

    public long ResourceVersion { get; }

    public JsonObject Json { get; }

    public byte[] Utf8 { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public static StoredObject Create(string collection, string? @namespace, string name, long resourceVersion, JsonObject json)
    {
        FakeJson.Metadata(json)["resourceVersion"] = resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new StoredObject(collection, @namespace, name, resourceVersion, json);
    }

    /// <summary>The same object stamped with a later resourceVersion, as a DELETED event carries it.</summary>
    public StoredObject At(long resourceVersion) => Create(Collection, Namespace, Name, resourceVersion, (JsonObject)Json.DeepClone());
}
