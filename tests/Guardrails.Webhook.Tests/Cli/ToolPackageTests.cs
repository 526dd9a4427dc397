using System.Diagnostics;
using System.Reflection;
using Guardrails.Tests;
using Guardrails.Webhook.Tests.Hosting.Tls;

namespace Guardrails.Webhook.Tests.Cli;

/// <summary>
/// The CLI as users get it: <c>dotnet pack</c> makes a <c>guardrails</c> tool package, <c>dotnet tool install</c> puts it
/// in a tool path, and the installed command judges the example. Packs the build the tests already ran (no rebuild) and
/// installs from that one local package only, so it needs no network.
/// </summary>
public sealed class ToolPackageTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Dotnet_pack_makes_a_tool_that_installs_and_checks_the_example()
    {
        using var dir = new TempDirectory();
        var packages = dir.Combine("packages");
        var tools = dir.Combine("tools");
        var configuration = typeof(ToolPackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var project = Path.Combine(RepoPaths.Root, "src", "Guardrails.Webhook", "Guardrails.Webhook.csproj");
        var nugetConfig = dir.Combine("nuget.config");
        await File.WriteAllTextAsync(nugetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """, TestContext.Current.CancellationToken);

        var pack = await RunAsync("dotnet", ["pack", project, "-c", configuration, "--no-build", "-o", packages], RepoPaths.Root);
        pack.ExitCode.ShouldBe(0, pack.Output);
        Directory.GetFiles(packages, "*.nupkg").Select(Path.GetFileName).ShouldBe(["guardrails.0.1.0.nupkg"]);

        // A package cache of its own: the machine's may hold a guardrails 0.1.0 from an earlier build, which would be installed instead.
        var install = await RunAsync(
            "dotnet",
            ["tool", "install", "guardrails", "--tool-path", tools, "--configfile", nugetConfig, "--version", "0.1.0"],
            dir.Path,
            ("NUGET_PACKAGES", dir.Combine("nuget-cache")));
        install.ExitCode.ShouldBe(0, install.Output);

        var guardrails = Path.Combine(tools, OperatingSystem.IsWindows() ? "guardrails.exe" : "guardrails");
        var check = await RunAsync(guardrails, ["check", "--quota", "examples/team-a-quota.yaml", "examples/web.yaml"], RepoPaths.Root);

        check.ExitCode.ShouldBe(1, check.Output);
        check.Output.ShouldContain("DENIED   Deployment team-a/web (examples/web.yaml, document 1)");
        check.Output.ShouldContain("[quota-fits]");
        check.Output.ShouldContain("1 object(s): 0 allowed, 1 denied, 0 skipped, 0 invalid");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string workingDirectory, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(StepTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, $"{file} {string.Join(' ', arguments)}\n{await stdout}{await stderr}");
    }
}
