namespace Guardrails.Webhook.Hosting;

/// <summary>
/// Checks <see cref="ServeOptions"/> before anything starts and reports every problem at once. Plain checks rather than
/// FluentValidation: its expression-tree rules were ~45 ms of JIT on the start-up path (docs/benchmarks.md, issue 15).
/// </summary>
internal static class ServeOptionsValidator
{
    /// <summary>Every reason the options are invalid, in the order the command line documents them; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!Directory.Exists(options.PoliciesDirectory))
        {
            errors.Add($"--policies: directory '{options.PoliciesDirectory}' does not exist");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("--data-dir must not be empty");
        }

        if (options.Urls is not { Count: > 0 })
        {
            errors.Add("--urls must name at least one address");
        }
        else
        {
            foreach (var url in options.Urls)
            {
                if (!url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"--urls: '{url}' is not https://; the apiserver only calls webhooks over TLS");
                }
            }
        }

        if ((options.CertFile is null) != (options.KeyFile is null))
        {
            errors.Add("--tls-cert-file and --tls-key-file go together");
        }

        MustExist(options.CertFile, "--tls-cert-file", errors);
        MustExist(options.KeyFile, "--tls-key-file", errors);
        MustExist(options.ClientCaFile, "--client-ca-file", errors);
        MustExist(options.Kubeconfig, "--kubeconfig", errors);
        if (options.InCluster && options.Kubeconfig is not null)
        {
            errors.Add("--in-cluster and --kubeconfig are alternatives; give one");
        }

        if (options.KubeContext is not null && options.Kubeconfig is null)
        {
            errors.Add("--context needs --kubeconfig");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 512L * 1024 * 1024)
        {
            errors.Add("--max-body-bytes must be between 1 KiB and 512 MiB");
        }

        if (options.OwnNamespace is { } ns && !Provisioning.DnsLabel.HasLabelShape(ns))
        {
            errors.Add($"--namespace '{ns}' is not a valid namespace name");
        }

        return errors;
    }

    private static void MustExist(string? path, string option, List<string> errors)
    {
        if (path is not null && !File.Exists(path))
        {
            errors.Add($"{option}: '{path}' does not exist");
        }
    }
}
