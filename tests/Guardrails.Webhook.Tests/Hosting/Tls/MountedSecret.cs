using System.Diagnostics;

namespace Guardrails.Webhook.Tests.Hosting.Tls;

/// <summary>
/// A directory laid out the way the kubelet mounts a Secret: each version in its own <c>..timestamp</c> folder,
/// <c>..data</c> a symlink to the current one, and each key a top-level symlink through <c>..data</c>. An update
/// renames a new <c>..data</c> link over the old one, which is a single atomic rename.
/// </summary>
internal sealed class MountedSecret
{
    private int _version;
    private string? _current;

    public MountedSecret(string root)
    {
        Root = root;
        Directory.CreateDirectory(root);
    }

    public string Root { get; }

    public string CertFile => Path.Combine(Root, "tls.crt");

    public string KeyFile => Path.Combine(Root, "tls.key");

    public string CaFile => Path.Combine(Root, "ca.crt");

    public void Publish(string certPem, string keyPem, string caPem)
    {
        var files = new Dictionary<string, string> { ["tls.crt"] = certPem, ["tls.key"] = keyPem, ["ca.crt"] = caPem };
        var version = $"..{DateTime.UtcNow:yyyy_MM_dd_HH_mm_ss}.{Interlocked.Increment(ref _version)}";
        Directory.CreateDirectory(Path.Combine(Root, version));
        foreach (var (name, contents) in files)
        {
            File.WriteAllText(Path.Combine(Root, version, name), contents);
        }

        var temporary = Path.Combine(Root, "..data_tmp");
        File.CreateSymbolicLink(temporary, version);

        // File.Move follows the link (to a directory) and refuses; mv -T is rename(2), as the kubelet does it.
        Run("mv", "-T", temporary, Path.Combine(Root, "..data"));

        foreach (var name in files.Keys)
        {
            var link = Path.Combine(Root, name);
            if (!File.Exists(link))
            {
                File.CreateSymbolicLink(link, Path.Combine("..data", name));
            }
        }

        if (_current is not null)
        {
            Directory.Delete(Path.Combine(Root, _current), recursive: true);
        }

        _current = version;
    }

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit(10_000).ShouldBeTrue($"{file} did not finish");
        process.ExitCode.ShouldBe(0, $"{file} failed: {stderr}");
    }
}
