using Guardrails.Webhook.Cli;

return await GuardrailsCli.RunAsync(args, Console.In, Console.Out, Console.Error);
