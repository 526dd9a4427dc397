using System.CommandLine;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Hosting.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Guardrails.Webhook.Cli;

/// <summary><c>guardrails serve</c> (also the default): the admission webhook, dry-run API and telemetry over HTTPS.</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr) => Configure(new Command("serve", "Run the admission webhook and dry-run API over HTTPS (what guardrails does with no arguments). " + ExitCodes.ServeHelp), stdout, stderr);

    private static T Configure<T>(T command, TextWriter stdout, TextWriter stderr)
        where T : Command
    {
        var policies = new Option<string?>("--policies") { Description = "Directory of rule packs, hot-reloaded (default: the shipped policies/)" };
        var dataDir = new Option<string>("--data-dir") { Description = "Where the self-signed CA and serving certificate are kept", DefaultValueFactory = _ => DefaultDataDirectory() };
        var urls = new Option<string[]>("--urls") { Description = "HTTPS addresses to listen on", DefaultValueFactory = _ => ["https://127.0.0.1:8443"] };
        var cert = new Option<string?>("--tls-cert-file") { Description = "PEM serving certificate, reloaded when it changes" };
        var key = new Option<string?>("--tls-key-file") { Description = "PEM private key for --tls-cert-file" };
        var clientCa = new Option<string?>("--client-ca-file") { Description = "Require callers to present a client certificate from this CA" };
        var ns = new Option<string>("--namespace") { Description = "Guardrails' own namespace (never judged unless a pack opts in)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "guardrails" };
        var maxBody = new Option<long>("--max-body-bytes") { Description = "Largest request body accepted", DefaultValueFactory = _ => ServeOptions.DefaultMaxRequestBodyBytes };
        var quiet = new Option<bool>("--no-manifests") { Description = "Do not print the CA bundle and webhook manifests at startup" };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Watch this cluster for quota and namespace state (token or client-certificate kubeconfig)" };
        var context = new Option<string?>("--context") { Description = "kubeconfig context to use (default: current-context)" };
        var inCluster = new Option<bool>("--in-cluster") { Description = "Watch the cluster this pod runs in, with its service account" };
        var sans = new Option<string[]>("--tls-san") { Description = "Extra DNS name or IP for the self-signed certificate (repeatable)" };
        var floor = new Option<bool>("--enable-floor-endpoint") { Description = "Benchmark only: serve POST /floor", Hidden = true };
        foreach (var option in new Option[] { policies, dataDir, urls, cert, key, clientCa, ns, maxBody, quiet, kubeconfig, context, inCluster, sans, floor })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ServeOptions
            {
                PoliciesDirectory = parse.GetValue(policies) ?? PackDirectory.DefaultDirectory(),
                DataDirectory = parse.GetValue(dataDir)!,
                Urls = (parse.GetValue(urls) ?? []).SelectMany(u => u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(),
                CertFile = parse.GetValue(cert),
                KeyFile = parse.GetValue(key),
                ClientCaFile = parse.GetValue(clientCa),
                OwnNamespace = parse.GetValue(ns)!,
                MaxRequestBodyBytes = parse.GetValue(maxBody),
                PrintManifests = !parse.GetValue(quiet),
                EnableFloorEndpoint = parse.GetValue(floor),
                Kubeconfig = parse.GetValue(kubeconfig),
                KubeContext = parse.GetValue(context),
                InCluster = parse.GetValue(inCluster),
                ExtraSans = parse.GetValue(sans) ?? [],
            };
            return await RunAsync(options, [], stdout, stderr, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public static async Task<int> RunAsync(ServeOptions options, string[] hostArgs, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = GuardrailsHost.Build(options, hostArgs);
        }
        catch (ServeOptionsException ex)
        {
            await stderr.WriteLineAsync("guardrails: invalid configuration:").ConfigureAwait(false);
            foreach (var error in ex.Errors)
            {
                await stderr.WriteLineAsync($"  {error}").ConfigureAwait(false);
            }

            return ExitCodes.InvalidInput;
        }
        catch (PolicyLoadException ex)
        {
            await stderr.WriteLineAsync($"guardrails: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }
        catch (KubeConfigException ex)
        {
            await stderr.WriteLineAsync($"guardrails: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }
        catch (TlsConfigurationException ex)
        {
            await stderr.WriteLineAsync($"guardrails: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            StartupTimeline.Mark("listening");
            if (options.PrintManifests)
            {
                await PrintManifestsAsync(app, options, stdout).ConfigureAwait(false);
            }

            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task PrintManifestsAsync(WebApplication app, ServeOptions options, TextWriter stdout)
    {
        var provider = app.Services.GetRequiredService<ServingCertificateProvider>();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? options.Urls[0];
        var url = address.Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal).Replace("://[::]:", "://127.0.0.1:", StringComparison.Ordinal);
        await stdout.WriteLineAsync($"# Guardrails is serving at {url}. Register it with a cluster whose apiserver can reach that address:").ConfigureAwait(false);
        await stdout.WriteLineAsync("#   kubectl apply -f - <<'EOF'  (paste the manifests below), or save them with: guardrails serve > webhooks.yaml").ConfigureAwait(false);
        await stdout.WriteLineAsync($"# CA bundle ({(provider.IsSelfSigned ? "self-signed, kept in " + options.DataDirectory : "from the configured certificate")}):").ConfigureAwait(false);
        foreach (var line in provider.CaBundlePem.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            await stdout.WriteLineAsync("#   " + line.TrimEnd('\r')).ConfigureAwait(false);
        }

        var policy = app.Services.GetRequiredService<PolicyStore>().Current;
        var rules = policy is null ? null : WebhookRuleSet.From(policy);
        await stdout.WriteLineAsync(WebhookManifests.Render(provider.CaBundlePem, new WebhookManifestOptions { Url = url, OwnNamespace = options.OwnNamespace }, rules)).ConfigureAwait(false);
        if (policy?.AllowsExceptions == true)
        {
            // The webhooks above send PolicyExceptions: the cluster needs their CRD for developers to ask for one.
            await stdout.WriteLineAsync("---").ConfigureAwait(false);
            await stdout.WriteLineAsync(Exceptions.PolicyExceptionCrd.Yaml).ConfigureAwait(false);
        }

        await stdout.FlushAsync().ConfigureAwait(false);
    }

    private static string DefaultDataDirectory() =>
        Environment.GetEnvironmentVariable("GUARDRAILS_DATA_DIR")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "guardrails");
}
