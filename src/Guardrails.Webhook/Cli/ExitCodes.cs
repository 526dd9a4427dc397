namespace Guardrails.Webhook.Cli;

public static class ExitCodes
{
    public const int Allowed = 0;
    public const int Denied = 1;
    public const int InvalidInput = 2;
}
