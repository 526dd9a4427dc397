using System.Reflection;
using System.Runtime.Loader;

namespace Guardrails.Policies.RuleFiles;

/// <summary>
/// A collectible context for one compilation of the rule files. Everything they reference (the authoring API, the
/// framework) resolves from the default context, so only their own code is unloaded.
/// </summary>
internal sealed class RuleFileLoadContext : AssemblyLoadContext
{
    public RuleFileLoadContext()
        : base("guardrails-rule-files", isCollectible: true)
    {
    }

    protected override Assembly? Load(AssemblyName assemblyName) => null;
}
