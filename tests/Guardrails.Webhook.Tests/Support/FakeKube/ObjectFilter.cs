namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>What a list or watch asks for: one collection, optionally one namespace, label and field selectors.</summary>
internal sealed record ObjectFilter(string Collection, string? Namespace, LabelSelector Labels, string? FieldName, string? FieldNamespace)
{
    public static ObjectFilter From(ResourcePath path, string? labelSelector, string? fieldSelector)
    {
        string? name = null;
        string? ns = null;
        foreach (var term in (fieldSelector ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = term.IndexOf('=', StringComparison.Ordinal);
            var field = at < 0 ? term : term[..at].TrimEnd('=', '!');
            var value = at < 0 ? "" : term[(at + 1)..].TrimStart('=');
            if (at < 1 || term[at - 1] == '!')
            {
                throw FakeKubeError.BadRequest($"the fake supports only metadata.name=X and metadata.namespace=X field selectors, not '{term}'");
            }

            switch (field)
            {
                case "metadata.name":
                    name = value;
                    break;
                case "metadata.namespace":
                    ns = value;
                    break;
                default:
                    throw FakeKubeError.BadRequest($"field label not supported: {field}");
            }
        }

        return new ObjectFilter(path.Collection, path.Namespace, LabelSelector.Parse(labelSelector), name, ns);
    }

    public bool Matches(StoredObject obj) =>
        obj.Collection == Collection
        && (Namespace is null || obj.Namespace == Namespace)
        && (FieldName is null || obj.Name == FieldName)
        && (FieldNamespace is null || obj.Namespace == FieldNamespace)
        && Labels.Matches(obj.Labels);
}
