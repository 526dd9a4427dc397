using Guardrails.Policies.Packs;
using Guardrails.Policies.Quantities;
using Guardrails.Tests;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Provisioning;

namespace Guardrails.E2E.Support;

/// <summary>
/// The policies directory the run's Guardrails serves: a copy of the repository's <c>policies/</c> whose
/// <c>platform.yaml</c> also lists the run's own team, with a budget. Teams are cluster-wide (their environments'
/// namespaces are <c>{team}-{name}</c>), so a team of its own keeps one run's environments, namespaces and budget
/// apart from every other's. The shipped teams and tiers are kept as they are, and so are the packs, but for day2,
/// switched on for the namespaces labelled for it with pdb-allows-disruption enforced, and run-as-non-root, which
/// developers may waive for themselves for at most <see cref="ExceptionMaxDuration"/>.
/// </summary>
internal static class RunPolicies
{
    public const string BudgetCpu = "4";
    public const string BudgetMemory = "8Gi";

    /// <summary>The namespace label that opts a namespace into the day2 pack (value <c>enabled</c>).</summary>
    public const string Day2Label = "guardrails.dev/day2";

    /// <summary>How long a developer may waive run-as-non-root for themselves in the run's packs.</summary>
    public const string ExceptionMaxDuration = "168h";

    private const string SettingsFile = "platform.yaml";
    private const string BaselineFile = "baseline.yaml";
    private const string Day2File = "day2.yaml";

    // The shipped file's shape; if it changes, the insertion below must be re-checked, so a mismatch fails loudly.
    private const string TeamsLine = "\n  teams:\n";
    private const string TeamIndent = "    ";

    /// <summary>Writes the copy into <paramref name="directory"/> and returns its settings as Guardrails will read them.</summary>
    /// <exception cref="InvalidOperationException">The shipped settings no longer have the expected shape, or the copy does not load.</exception>
    public static PlatformSettings Write(string directory, string team)
    {
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.GetFiles(RepoPaths.Policies))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        }

        var path = Path.Combine(directory, SettingsFile);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{Path.Combine(RepoPaths.Policies, SettingsFile)} is missing: the provisioning cases add their team to it");
        }

        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var found = text.Split(TeamsLine).Length - 1;
        if (found != 1)
        {
            throw new InvalidOperationException(
                $"{SettingsFile} has {found} lines '  teams:' (expected one, with teams indented by four spaces); update RunPolicies to add the run's team");
        }

        var entry = $"{TeamIndent}{team}:\n"
            + $"{TeamIndent}  budget:\n"
            + $"{TeamIndent}    cpu: \"{BudgetCpu}\"\n"
            + $"{TeamIndent}    memory: {BudgetMemory}\n";
        File.WriteAllText(path, text.Replace(TeamsLine, TeamsLine + entry, StringComparison.Ordinal));
        EnableDay2(directory);
        AllowRunAsNonRootExceptions(directory);
        return Verify(directory, team);
    }

    /// <summary>
    /// The day2 pack switched on, as a platform team does it: still only in namespaces labelled
    /// <see cref="Day2Label"/>=enabled, and with pdb-allows-disruption in Enforce (its other rules stay in Warn).
    /// </summary>
    /// <exception cref="InvalidOperationException">The shipped pack no longer has the expected shape.</exception>
    private static void EnableDay2(string directory)
    {
        var path = Path.Combine(directory, Day2File);
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        const string Disabled = "\n  enabled: false\n";
        const string PdbWarn = "- id: pdb-allows-disruption\n      mode: Warn\n";
        if (!text.Contains(Disabled, StringComparison.Ordinal) || !text.Contains(PdbWarn, StringComparison.Ordinal) || !text.Contains(Day2Label, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Day2File} no longer ships disabled with pdb-allows-disruption in Warn, scoped by {Day2Label}: update RunPolicies.EnableDay2");
        }

        File.WriteAllText(path, text
            .Replace(Disabled, "\n  enabled: true\n", StringComparison.Ordinal)
            .Replace(PdbWarn, "- id: pdb-allows-disruption\n      mode: Enforce\n", StringComparison.Ordinal));
    }

    /// <summary>The platform team's bounds on run-as-non-root, as docs/packs.md writes them: self-service, with a reason, for at most a week.</summary>
    /// <exception cref="InvalidOperationException">The shipped pack no longer has the expected shape.</exception>
    private static void AllowRunAsNonRootExceptions(string directory)
    {
        var path = Path.Combine(directory, BaselineFile);
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        const string Rule = "    - id: run-as-non-root\n      mode: Enforce\n";
        if (text.Split(Rule).Length != 2 || text.Contains("exceptions:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{BaselineFile} no longer lists run-as-non-root once, in Enforce, without exception bounds: update RunPolicies.AllowRunAsNonRootExceptions");
        }

        File.WriteAllText(path, text.Replace(
            Rule,
            Rule + $"      exceptions: {{ selfService: true, maxDuration: {ExceptionMaxDuration}, requireReason: true }}\n",
            StringComparison.Ordinal));
    }

    /// <summary>
    /// Loads the copy with the product's own readers, as <c>guardrails serve</c> will: a copy it would refuse would
    /// otherwise only show as environments that never become Ready.
    /// </summary>
    private static PlatformSettings Verify(string directory, string team)
    {
        var packs = PackDirectory.Load(directory);
        if (!packs.Succeeded)
        {
            throw new InvalidOperationException($"the run's copy of the packs in {directory} does not load: {string.Join("; ", packs.Errors)}");
        }

        if (PackDirectory.ReadSources(directory, out var sources) is { } unreadable)
        {
            throw new InvalidOperationException($"the run's copy of the policies in {directory} cannot be read: {unreadable}");
        }

        var loaded = PlatformSettingsParser.Load(sources);
        if (!loaded.Succeeded)
        {
            throw new InvalidOperationException($"the run's copy of {SettingsFile} in {directory} does not load: {string.Join("; ", loaded.Errors)}");
        }

        var shippedFile = Path.Combine(RepoPaths.Policies, SettingsFile);
        var shipped = PlatformSettingsParser.Parse(new PackSource(shippedFile, File.ReadAllText(shippedFile)));
        var settings = loaded.Settings;
        if (!settings.Teams.TryGetValue(team, out var added)
            || added.Budget.Cpu != Quantity.Parse(BudgetCpu)
            || added.Budget.Memory != Quantity.Parse(BudgetMemory))
        {
            throw new InvalidOperationException($"the run's copy of {SettingsFile} does not give team {team} the budget cpu {BudgetCpu}, memory {BudgetMemory}");
        }

        if (shipped.Settings is { } original
            && (!original.Tiers.Keys.Order(StringComparer.Ordinal).SequenceEqual(settings.Tiers.Keys.Order(StringComparer.Ordinal))
                || original.Teams.Keys.Any(t => !settings.Teams.ContainsKey(t))))
        {
            throw new InvalidOperationException($"adding team {team} changed the shipped tiers or teams of {SettingsFile}");
        }

        return settings;
    }
}
