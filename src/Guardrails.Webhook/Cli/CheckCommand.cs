using System.CommandLine;

namespace Guardrails.Webhook.Cli;

internal static class CheckCommand
{
    public static Command Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var policies = new Option<string?>("--policies") { Description = "Directory of rule packs (default: the shipped policies/)" };
        var quota = new Option<string?>("--quota") { Description = "YAML/JSON with the cluster state rules read: Namespace, ResourceQuota, LimitRange, workload, PodDisruptionBudget and NetworkPolicy objects (e.g. kubectl get quota,limitrange,deploy,sts,pdb,networkpolicy -o yaml)" };
        var output = new Option<string>("--output", "-o") { Description = "text or json", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace for objects that name none (default: default); an object naming another one is invalid" };
        var old = new Option<string?>("--old") { Description = "YAML/JSON with the objects as they are now (e.g. kubectl get -o yaml): a document found there by kind, namespace and name is judged as an UPDATE from it" };
        var exceptions = new Option<string?>("--exceptions") { Description = "YAML/JSON with PolicyException objects (e.g. kubectl get policyexceptions -o yaml) to honour as admission would" };
        var now = new Option<string?>("--now") { Description = "The time exceptions are judged at, RFC 3339 (default: now)" };
        var paths = new Argument<string[]>("PATH") { Description = "Files, directories, or - for standard input", Arity = ArgumentArity.OneOrMore };

        var command = new Command("check", "Evaluate manifests offline with the same compiled policy as admission. " + ExitCodes.Help);
        command.Options.Add(policies);
        command.Options.Add(quota);
        command.Options.Add(output);
        command.Options.Add(ns);
        command.Options.Add(old);
        command.Options.Add(exceptions);
        command.Options.Add(now);
        command.Arguments.Add(paths);
        command.SetAction(parse => CheckRunner.Run(
            new CheckOptions(parse.GetValue(paths) ?? [], parse.GetValue(policies), parse.GetValue(quota), parse.GetValue(output) ?? "text", parse.GetValue(ns), parse.GetValue(old), parse.GetValue(exceptions), ParseNow(parse.GetValue(now), stderr)),
            stdin,
            stdout,
            stderr));
        return command;
    }

    /// <summary>An unreadable --now is said at once and judged as an invalid input (exit 2), never as "now".</summary>
    private static DateTimeOffset? ParseNow(string? text, TextWriter stderr)
    {
        if (text is null)
        {
            return null;
        }

        if (Policies.Exceptions.PolicyExceptionReader.TryParseTime(text, out var time))
        {
            return time;
        }

        stderr.WriteLine($"guardrails: --now '{text}' is not an RFC 3339 time such as 2026-12-08T00:00:00Z");
        return DateTimeOffset.MinValue;
    }
}
