using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Policies.RuleFiles;

namespace Guardrails.Webhook.Hosting;

/// <summary>Reads every pack file of a policies directory and compiles them together.</summary>
public static class PackDirectory
{
    /// <summary>The folder of rule files beside the packs.</summary>
    public const string RulesFolder = "rules";

    /// <summary>The folder of rule test suites beside the packs (<c>guardrails test</c>).</summary>
    public const string TestsFolder = "tests";

    /// <summary>
    /// Top-level <c>*.yaml</c>/<c>*.yml</c>/<c>*.json</c> files, in name order. Names starting with <c>..</c> are skipped:
    /// a mounted ConfigMap keeps its real files under <c>..data/</c> and exposes them as top-level symlinks.
    /// </summary>
    public static IReadOnlyList<string> PackFiles(string directory) =>
        Directory.EnumerateFiles(directory)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Where(f => Path.GetExtension(f) is ".yaml" or ".yml" or ".json")
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The rule files beside the packs: top-level <c>rules/*.cs</c>, in name order (editor projects' obj/ is below and ignored).</summary>
    public static IReadOnlyList<string> RuleFiles(string directory)
    {
        var rules = Path.Combine(directory, RulesFolder);
        return Directory.Exists(rules)
            ? Directory.EnumerateFiles(rules, "*.cs").Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>Packs and rule files compiled together: the one way every door (serve, check, test) loads a policies directory.</summary>
    public static PolicyLoadResult Load(string directory, PolicyOptions? options = null)
    {
        if (ReadSources(directory, out var sources) is { } error)
        {
            return new PolicyLoadResult(null, [error]);
        }

        return Compile(directory, sources, options);
    }

    /// <summary>Compiles packs already read with the rule files of the same directory.</summary>
    public static PolicyLoadResult Compile(string directory, IReadOnlyList<PackSource> sources, PolicyOptions? options)
    {
        if (ReadRuleSources(directory, out var ruleFiles) is { } unreadable)
        {
            return new PolicyLoadResult(null, [unreadable]);
        }

        return EnabledRuleCheck.Apply(PolicyCompiler.Compile(sources, ruleFiles, options), directory);
    }

    /// <summary>Reads every rule file; an error naming the first one that cannot be read.</summary>
    public static PackError? ReadRuleSources(string directory, out IReadOnlyList<RuleSource> ruleFiles)
    {
        var read = new List<RuleSource>();
        ruleFiles = read;
        foreach (var file in RuleFiles(directory))
        {
            try
            {
                read.Add(new RuleSource(file, File.ReadAllText(file)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return new PackError(file, 0, $"cannot read: {ex.Message}");
            }
        }

        return null;
    }

    /// <summary>Reads every pack file once, for both the rule packs and the platform settings; an error when there is nothing to read.</summary>
    public static PackError? ReadSources(string directory, out IReadOnlyList<PackSource> sources)
    {
        sources = [];
        if (!Directory.Exists(directory))
        {
            return new PackError(directory, 0, "policies directory does not exist");
        }

        var read = new List<PackSource>();
        foreach (var file in PackFiles(directory))
        {
            try
            {
                read.Add(new PackSource(file, File.ReadAllText(file)));
            }
            catch (IOException ex)
            {
                return new PackError(file, 0, $"cannot read: {ex.Message}");
            }
        }

        if (read.Count == 0)
        {
            return new PackError(directory, 0, "no pack files (*.yaml, *.yml, *.json) in the policies directory");
        }

        sources = read;
        return null;
    }

    /// <summary>The shipped packs: <c>policies/</c> beside the executable, else found walking up from the working directory.</summary>
    public static string DefaultDirectory()
    {
        var besideBinary = Path.Combine(AppContext.BaseDirectory, "policies");
        if (Directory.Exists(besideBinary))
        {
            return besideBinary;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "policies");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "Guardrails.sln")))
            {
                return candidate;
            }
        }

        return "policies";
    }
}
