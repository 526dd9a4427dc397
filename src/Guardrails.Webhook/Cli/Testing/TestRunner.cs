using Guardrails.Webhook.Hosting;

namespace Guardrails.Webhook.Cli.Testing;

/// <summary><c>guardrails test</c>: the policy loaded as every door loads it, then every case of every suite.</summary>
public static class TestRunner
{
    public static int Run(TestOptions options, TextWriter stdout, TextWriter stderr)
    {
        var directory = options.PoliciesDirectory ?? PackDirectory.DefaultDirectory();
        var load = PackDirectory.Load(directory);
        if (load.Policy is null)
        {
            stderr.WriteLine("guardrails: the policy is invalid:");
            foreach (var error in load.Errors)
            {
                stderr.WriteLine($"  {error}");
            }

            return ExitCodes.InvalidInput;
        }

        var testsDirectory = Path.Combine(directory, PackDirectory.TestsFolder);
        var files = Directory.Exists(testsDirectory)
            ? Directory.EnumerateFiles(testsDirectory).Where(f => Path.GetExtension(f) is ".yaml" or ".yml").Order(StringComparer.Ordinal).ToList()
            : [];
        if (files.Count == 0)
        {
            stderr.WriteLine($"guardrails: no test suites (*.yaml) in {testsDirectory}");
            return ExitCodes.InvalidInput;
        }

        var suites = new List<RuleTestSuite>();
        foreach (var file in files)
        {
            try
            {
                suites.Add(RuleTestSuiteReader.Read(file, File.ReadAllText(file)));
            }
            catch (RuleTestSuiteException ex)
            {
                stderr.WriteLine($"guardrails: invalid test suite: {ex.Message}");
                return ExitCodes.InvalidInput;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"guardrails: cannot read {file}: {ex.Message}");
                return ExitCodes.InvalidInput;
            }
        }

        var results = new List<RuleTestResult>();
        foreach (var suite in suites)
        {
            var policy = load.Policy;
            if (suite.EnablePacks.Count > 0)
            {
                if (suite.EnablePacks.FirstOrDefault(name => !load.Policy.Packs.Any(p => p.Name == name)) is { } missing)
                {
                    stderr.WriteLine($"guardrails: invalid test suite: {suite.File}: spec.enablePacks names pack '{missing}', which {directory} does not hold");
                    return ExitCodes.InvalidInput;
                }

                policy = PackDirectory.Load(directory, new Policies.Engine.PolicyOptions { EnablePacks = suite.EnablePacks }).Policy!;
            }

            stdout.WriteLine($"{suite.Name} ({suite.File})");
            foreach (var testCase in suite.Cases)
            {
                var result = RuleTestRunner.Run(policy, suite, testCase);
                results.Add(result);
                stdout.WriteLine($"  {(result.Passed ? "pass" : "FAIL")}  {testCase.Name}");
                foreach (var difference in result.Differences)
                {
                    stdout.WriteLine($"        {difference}");
                }
            }
        }

        var failed = results.Count(r => !r.Passed);
        stdout.WriteLine($"{results.Count - failed} passed, {failed} failed");
        if (options.JUnitFile is { } junit)
        {
            try
            {
                JUnitReport.Create(results).Save(junit);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"guardrails: cannot write --junit file {junit}: {ex.Message}");
                return ExitCodes.InvalidInput;
            }
        }

        return failed == 0 ? ExitCodes.Allowed : ExitCodes.Denied;
    }
}
