namespace Guardrails.Policies.Resources;

/// <summary>Past the document limit one refusal stands for everything after it, and nothing more is read.</summary>
internal sealed class DocumentLimit
{
    private readonly int _max;

    public DocumentLimit(int max)
    {
        _max = max;
    }

    public IEnumerable<Manifest> Apply(IEnumerable<Manifest> manifests)
    {
        var count = 0;
        foreach (var manifest in manifests)
        {
            if (count < _max)
            {
                count++;
                yield return manifest;
                continue;
            }

            manifest.Dispose();
            yield return new Manifest(manifest.Number, manifest.Line, null, $"more than {_max} documents or list items (the limit per request or file); split the input");
            yield break;
        }
    }
}
