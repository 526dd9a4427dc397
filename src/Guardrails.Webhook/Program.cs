using System.CommandLine;
using Guardrails.Webhook.Cli;

var root = new RootCommand("Guardrails: Kubernetes admission policy engine and self-serve provisioning.");
root.Subcommands.Add(CheckCommand.Create(Console.In, Console.Out, Console.Error));
var parsed = root.Parse(args);
return parsed.Invoke();
