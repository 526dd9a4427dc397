using System.Diagnostics.CodeAnalysis;
using Guardrails.Policies.Authoring;
using Microsoft.CodeAnalysis;

namespace Guardrails.Policies.RuleFiles;

/// <summary>
/// The assemblies rule files compile against: the running framework's own and the authoring API. Read once per
/// process and shared by every compilation (they are the bulk of a compilation's memory). Assemblies whose APIs
/// the sandbox refuses are referenced too, so that using them is refused with a reason instead of "not found".
/// </summary>
internal static class RuleFileReferences
{
    private static readonly string[] FrameworkAssemblies =
    [
        "System.Private.CoreLib", "System.Runtime", "System.Collections", "System.Collections.Immutable", "System.Linq",
        "System.Memory", "System.Text.RegularExpressions", "System.Text.Json", "System.Runtime.Extensions",
        "System.Console", "System.Net.Http", "System.Net.Primitives", "System.Diagnostics.Process", "System.Threading",
        "System.Threading.Thread", "System.Threading.Tasks", "System.Runtime.InteropServices", "System.Reflection",
        "System.Linq.Expressions", "System.Linq.Parallel", "System.Collections.Concurrent", "System.ObjectModel", "System.ComponentModel",
        "System.ComponentModel.Primitives", "netstandard",
    ];

    private static readonly Lazy<IReadOnlyList<MetadataReference>> Shared = new(Load);

    public static IReadOnlyList<MetadataReference> All => Shared.Value;

    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "An empty location (single-file app) falls back to the file beside the app.")]
    private static string AuthoringAssemblyPath() =>
        typeof(Rule).Assembly.Location is { Length: > 0 } location
            ? location
            : Path.Combine(AppContext.BaseDirectory, typeof(Rule).Assembly.GetName().Name + ".dll");

    private static IReadOnlyList<MetadataReference> Load()
    {
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .GroupBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var references = new List<MetadataReference>();
        foreach (var name in FrameworkAssemblies)
        {
            if (trusted.TryGetValue(name, out var path))
            {
                references.Add(MetadataReference.CreateFromFile(path));
            }
        }

        references.Add(MetadataReference.CreateFromFile(AuthoringAssemblyPath()));
        return references;
    }
}
