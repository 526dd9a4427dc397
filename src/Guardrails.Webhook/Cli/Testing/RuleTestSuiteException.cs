namespace Guardrails.Webhook.Cli.Testing;

/// <summary>A suite file that cannot be run as written; the message names the file, the case and what is wrong.</summary>
public sealed class RuleTestSuiteException : Exception
{
    public RuleTestSuiteException(string message)
        : base(message)
    {
    }

    public RuleTestSuiteException()
    {
    }

    public RuleTestSuiteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
