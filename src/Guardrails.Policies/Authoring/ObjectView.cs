using System.Text.Json;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Authoring;

/// <summary>Any Kubernetes object as a rule reads it: identity, metadata, labels, annotations and any field by path.</summary>
public sealed class ObjectView
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();
    private IReadOnlyDictionary<string, string>? _labels;
    private IReadOnlyDictionary<string, string>? _annotations;

    internal ObjectView(JsonElement root, string group, string kind, string? @namespace)
    {
        Root = new Field(root, "", "");
        Group = group;
        Kind = kind;
        Namespace = @namespace;
    }

    /// <summary>The whole object; <c>Root["spec"]</c> or <c>Root.At("spec.rules[0]")</c> go further.</summary>
    public Field Root { get; }

    /// <summary>API group; "" for the core group.</summary>
    public string Group { get; }

    public string Kind { get; }

    public string? ApiVersion => Root["apiVersion"].AsString();

    public string? Name => Metadata["name"].AsString();

    /// <summary>The namespace the request is for (the object's own, else the request's); null for cluster-scoped objects.</summary>
    public string? Namespace { get; }

    public Field Metadata => Root["metadata"];

    public Field Spec => Root["spec"];

    public IReadOnlyDictionary<string, string> Labels => _labels ??= StringMap(Metadata["labels"]);

    public IReadOnlyDictionary<string, string> Annotations => _annotations ??= StringMap(Metadata["annotations"]);

    /// <summary>A label's field, present or not, so a violation can name <c>metadata.labels.team</c>.</summary>
    public Field Label(string key) => Metadata["labels"][key];

    public Field Annotation(string key) => Metadata["annotations"][key];

    /// <summary>A field by path from the root: <c>spec.tls[0].secretName</c>.</summary>
    public Field At(string path) => Root.At(path);

    private static IReadOnlyDictionary<string, string> StringMap(Field field)
    {
        if (!field.IsObject)
        {
            return NoLabels;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in field.Element.EnumerateObject())
        {
            if (property.Value.AsString() is { } value)
            {
                map[property.Name] = value;
            }
        }

        return map;
    }
}
