using System.Globalization;
using System.Xml.Linq;

namespace Guardrails.Webhook.Cli.Testing;

/// <summary>The results as JUnit XML, which CI systems (GitHub Actions, GitLab, Jenkins) show per case.</summary>
public static class JUnitReport
{
    public static XDocument Create(IReadOnlyList<RuleTestResult> results) => new(
        new XElement(
            "testsuites",
            new XAttribute("name", "guardrails test"),
            new XAttribute("tests", results.Count),
            new XAttribute("failures", results.Count(r => !r.Passed)),
            results.GroupBy(r => r.Suite).Select(suite => new XElement(
                "testsuite",
                new XAttribute("name", suite.Key.Name),
                new XAttribute("file", suite.Key.File),
                new XAttribute("tests", suite.Count()),
                new XAttribute("failures", suite.Count(r => !r.Passed)),
                suite.Select(result => new XElement(
                    "testcase",
                    new XAttribute("classname", suite.Key.Name),
                    new XAttribute("name", result.Case.Name),
                    new XAttribute("time", result.Duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)),
                    result.Passed
                        ? null
                        : new XElement("failure", new XAttribute("message", result.Differences[0]), string.Join("\n", result.Differences))))))));
}
