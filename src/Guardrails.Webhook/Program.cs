using Guardrails.Webhook.Cli;
using Guardrails.Webhook.Hosting;

StartupTimeline.Mark("main-entered");
return await GuardrailsCli.RunAsync(args, Console.In, Console.Out, Console.Error);
