using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Guardrails.LoadTest;

/// <summary>
/// Which guardrails to start: <c>GUARDRAILS_DLL</c> (another worktree's build, for a baseline in the same run), else
/// this repository published as the image publishes it (<c>dotnet publish -r &lt;rid&gt;</c>, ReadyToRun), done here so
/// that a fresh clone needs nothing installed by hand.
/// </summary>
internal static class GuardrailsBuild
{
    public static string? Override => Environment.GetEnvironmentVariable("GUARDRAILS_DLL") is { Length: > 0 } other ? other : null;

    public static async Task<string> ResolveAsync(string repo)
    {
        if (Override is { } dll)
        {
            return dll;
        }

        return await PublishAsync(Path.Combine(repo, "src", "Guardrails.Webhook", "Guardrails.Webhook.csproj"), "published", "guardrails.dll").ConfigureAwait(false);
    }

    /// <summary>The empty ASP.NET Core server (benchmarks/Guardrails.StartupFloor), published the same way.</summary>
    public static Task<string> ResolveFloorAsync(string repo) =>
        PublishAsync(Path.Combine(repo, "benchmarks", "Guardrails.StartupFloor", "Guardrails.StartupFloor.csproj"), "published-floor", "Guardrails.StartupFloor.dll");

    private static async Task<string> PublishAsync(string project, string folder, string dll)
    {
        var output = Path.Combine(AppContext.BaseDirectory, folder);
        var publish = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-o", output, "-nologo", "-v", "quiet" })
        {
            publish.ArgumentList.Add(arg);
        }

        Console.Error.WriteLine($"publishing {project} ({RuntimeInformation.RuntimeIdentifier}, ReadyToRun) to {output} ...");
        using var process = Process.Start(publish) ?? throw new InvalidOperationException("could not start dotnet publish");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):{Environment.NewLine}{await stdout.ConfigureAwait(false)}{await stderr.ConfigureAwait(false)}");
        }

        return Path.Combine(output, dll);
    }
}
