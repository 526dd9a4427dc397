using System.Text.Json;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;
using Guardrails.Webhook.DryRun;
using Guardrails.Webhook.Hosting;

namespace Guardrails.Webhook.Cli;

/// <summary><c>guardrails check</c>: the offline door. Exit 0 all allowed, 1 something denied, 2 invalid input.</summary>
public static class CheckRunner
{
    public static int Run(CheckOptions options, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var load = PackDirectory.Load(options.PoliciesDirectory ?? PackDirectory.DefaultDirectory());
        if (load.Policy is null)
        {
            stderr.WriteLine("guardrails: the rule packs are invalid:");
            foreach (var error in load.Errors)
            {
                stderr.WriteLine($"  {error}");
            }

            return ExitCodes.InvalidInput;
        }

        IClusterSnapshot cluster = ClusterSnapshot.Empty;
        if (options.QuotaFile is not null)
        {
            if (ReadClusterState(options.QuotaFile, stderr) is not { } snapshot)
            {
                return ExitCodes.InvalidInput;
            }

            cluster = snapshot;
        }

        if (options.Now == DateTimeOffset.MinValue)
        {
            return ExitCodes.InvalidInput;
        }

        var exceptions = Policies.Exceptions.ExceptionIndex.Empty;
        if (options.ExceptionsFile is not null)
        {
            if (ReadExceptions(options.ExceptionsFile, stderr) is not { } read)
            {
                return ExitCodes.InvalidInput;
            }

            exceptions = read;
        }

        var now = options.Now ?? TimeProvider.System.GetUtcNow();
        using var previous = options.OldFile is null ? PreviousObjects.None : ReadPrevious(options.OldFile, options.Namespace, stderr);
        if (previous is null)
        {
            return ExitCodes.InvalidInput;
        }

        var results = new List<ObjectResult>();
        var inputs = Inputs(options.Paths, stdin, stderr, out var unreadable);
        foreach (var (source, text) in inputs)
        {
            results.AddRange(ManifestEvaluator.Evaluate(load.Policy, source, text, cluster, options.Namespace, previous, FormatOf(source), exceptions, now));
        }

        if (options.Output == "json")
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, ResultJsonWriter.IndentedOptions))
            {
                ResultJsonWriter.Write(writer, results);
            }

            stdout.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }
        else
        {
            TextReport.Write(stdout, results);
        }

        if (unreadable || results.Any(r => r.Outcome == "invalid"))
        {
            return ExitCodes.InvalidInput;
        }

        return results.Any(r => r.Outcome == "denied") ? ExitCodes.Denied : ExitCodes.Allowed;
    }

    private static string? ReadOptionFile(string option, string file, TextWriter stderr)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"guardrails: cannot read {option} file {file}: {ex.Message}");
            return null;
        }
    }

    private static PreviousObjects? ReadPrevious(string file, string? namespaceOverride, TextWriter stderr)
    {
        if (ReadOptionFile("--old", file, stderr) is not { } text)
        {
            return null;
        }

        var previous = PreviousObjects.Read(text, namespaceOverride, FormatOf(file));
        if (previous.Unreadable is { } bad)
        {
            stderr.WriteLine($"guardrails: --old file {file}, document {bad.Number}: {bad.Error}");
            previous.Dispose();
            return null;
        }

        return previous;
    }

    private static Policies.Exceptions.ExceptionIndex? ReadExceptions(string file, TextWriter stderr)
    {
        if (ReadOptionFile("--exceptions", file, stderr) is not { } text)
        {
            return null;
        }

        var manifests = ManifestReader.Read(text, FormatOf(file));
        try
        {
            if (manifests.FirstOrDefault(m => m.Error is not null) is { } bad)
            {
                stderr.WriteLine($"guardrails: --exceptions file {file}, document {bad.Number}: {bad.Error}");
                return null;
            }

            var index = ExceptionInput.Read(manifests, out var error);
            if (index is null)
            {
                stderr.WriteLine($"guardrails: --exceptions file {file}, {error}");
            }

            return index;
        }
        finally
        {
            foreach (var manifest in manifests)
            {
                manifest.Dispose();
            }
        }
    }

    private static ClusterSnapshot? ReadClusterState(string file, TextWriter stderr)
    {
        if (ReadOptionFile("--quota", file, stderr) is not { } text)
        {
            return null;
        }

        var manifests = ManifestReader.Read(text, FormatOf(file));
        try
        {
            if (manifests.FirstOrDefault(m => m.Error is not null) is { } bad)
            {
                stderr.WriteLine($"guardrails: --quota file {file}, document {bad.Number}: {bad.Error}");
                return null;
            }

            return ClusterSnapshot.FromObjects(manifests.Select(m => m.Root));
        }
        catch (ClusterStateException ex)
        {
            stderr.WriteLine($"guardrails: --quota file {file}: {ex.Message}");
            return null;
        }
        finally
        {
            foreach (var manifest in manifests)
            {
                manifest.Dispose();
            }
        }
    }

    /// <summary>A file's extension says how it is written; standard input is sniffed.</summary>
    private static ManifestFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => ManifestFormat.Json,
        ".yaml" or ".yml" => ManifestFormat.Yaml,
        _ => ManifestFormat.Sniff,
    };

    private static List<(string Source, string Text)> Inputs(IReadOnlyList<string> paths, TextReader stdin, TextWriter stderr, out bool unreadable)
    {
        unreadable = false;
        var inputs = new List<(string, string)>();
        foreach (var path in paths)
        {
            if (path == "-")
            {
                inputs.Add(("<stdin>", stdin.ReadToEnd()));
                continue;
            }

            IEnumerable<string> files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => Path.GetExtension(f) is ".yaml" or ".yml" or ".json")
                    .Order(StringComparer.Ordinal)
                : [path];
            foreach (var file in files)
            {
                try
                {
                    inputs.Add((file, File.ReadAllText(file)));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    stderr.WriteLine($"guardrails: cannot read {file}: {ex.Message}");
                    unreadable = true;
                }
            }
        }

        return inputs;
    }
}
