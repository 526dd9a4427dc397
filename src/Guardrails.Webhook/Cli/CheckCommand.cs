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
        var paths = new Argument<string[]>("PATH") { Description = "Files, directories, or - for standard input", Arity = ArgumentArity.OneOrMore };

        var command = new Command("check", "Evaluate manifests offline with the same compiled policy as admission. " + ExitCodes.Help);
        command.Options.Add(policies);
        command.Options.Add(quota);
        command.Options.Add(output);
        command.Options.Add(ns);
        command.Options.Add(old);
        command.Arguments.Add(paths);
        command.SetAction(parse => CheckRunner.Run(
            new CheckOptions(parse.GetValue(paths) ?? [], parse.GetValue(policies), parse.GetValue(quota), parse.GetValue(output) ?? "text", parse.GetValue(ns), parse.GetValue(old)),
            stdin,
            stdout,
            stderr));
        return command;
    }
}
