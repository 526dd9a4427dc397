namespace Guardrails.Webhook.Cli;

/// <summary>The contract every command keeps; <see cref="Help"/> is printed by <c>--help</c>.</summary>
public static class ExitCodes
{
    public const int Allowed = 0;
    public const int Denied = 1;

    /// <summary>Invalid input or configuration, or a usage error (an unknown command or option).</summary>
    public const int InvalidInput = 2;

    /// <summary>Guardrails itself failed; the message on stderr says where.</summary>
    public const int InternalError = 3;

    public const string Help = "Exit codes: 0 allowed, 1 denied, 2 invalid input or usage, 3 internal error.";

    public const string ServeHelp = "Exit codes: 0 stopped, 2 invalid configuration or usage, 3 internal error.";
}
