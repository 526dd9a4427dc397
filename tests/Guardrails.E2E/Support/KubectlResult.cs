using System.Globalization;
using System.Text;

namespace Guardrails.E2E.Support;

/// <summary>What one kubectl run printed and returned.</summary>
internal sealed record KubectlResult(IReadOnlyList<string> Arguments, int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The apiserver round trips, when kubectl ran with <c>-v=6</c>.</summary>
    public IReadOnlyList<ApiCall> ApiCalls => ApiCall.Parse(Stderr);

    public string CommandLine => "kubectl " + string.Join(' ', Arguments);

    /// <exception cref="InvalidOperationException">kubectl exited with a non-zero code; the message holds its output.</exception>
    public KubectlResult EnsureSuccess(string what)
    {
        if (!Succeeded)
        {
            throw new InvalidOperationException($"{what} failed:\n{this}");
        }

        return this;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{CommandLine} -> exit {ExitCode} after {Elapsed.TotalMilliseconds:0} ms\n");
        text.Append("stdout:\n").Append(Stdout.TrimEnd()).Append('\n');
        text.Append("stderr:\n").Append(Stderr.TrimEnd());
        return text.ToString();
    }
}
