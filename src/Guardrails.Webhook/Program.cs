using System.CommandLine;
using Guardrails.Webhook.Cli;

var root = new RootCommand("Guardrails: Kubernetes admission policy engine and self-serve provisioning. With no command, runs serve.");
ServeCommand.ConfigureRoot(root, Console.Out, Console.Error);
root.Subcommands.Add(ServeCommand.Create(Console.Out, Console.Error));
root.Subcommands.Add(CheckCommand.Create(Console.In, Console.Out, Console.Error));
root.Subcommands.Add(Guardrails.Webhook.Cli.Testing.TestCommand.Create(Console.Out, Console.Error));
return await root.Parse(args).InvokeAsync();
