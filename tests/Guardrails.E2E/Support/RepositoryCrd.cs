using Guardrails.Tests;

namespace Guardrails.E2E.Support;

/// <summary>
/// A CRD of the repository (<c>deploy/crds</c>: Environments, PolicyExceptions), installed for the run. Whether it
/// was there before is recorded first, so the run removes it at the end only when the run itself brought it.
/// </summary>
internal sealed class RepositoryCrd
{
    public const string Environments = "environments.guardrails.dev";
    public const string PolicyExceptions = "policyexceptions.guardrails.dev";

    private static readonly TimeSpan EstablishTimeout = TimeSpan.FromSeconds(30);

    private RepositoryCrd(string name, bool existedBefore)
    {
        Name = name;
        ExistedBefore = existedBefore;
    }

    /// <summary>metadata.name, also the file's name in <c>deploy/crds</c>.</summary>
    public string Name { get; }

    public string ManifestPath => Path.Combine(RepoPaths.Root, "deploy", "crds", $"{Name}.yaml");

    /// <summary>It was in the cluster before this run applied it: it stays at the end.</summary>
    public bool ExistedBefore { get; }

    /// <summary>This run applied it (perhaps not to the end): from here on cleanup has its objects to look for.</summary>
    public bool Applied { get; private set; }

    /// <summary>The apiserver serves its kind.</summary>
    public bool Established { get; private set; }

    public string DeleteCommand => $"kubectl delete customresourcedefinition {Name}";

    /// <summary>Records whether the CRD exists; nothing is changed yet.</summary>
    public static async Task<RepositoryCrd> LookUpAsync(Kubectl kubectl, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kubectl);
        return new RepositoryCrd(name, await kubectl.ExistsAsync("customresourcedefinition", name, null, cancellationToken));
    }

    /// <summary><c>kubectl apply</c> of the repository's CRD, then waits until the apiserver reports it Established.</summary>
    /// <exception cref="InvalidOperationException">Applying failed or it was not Established in time.</exception>
    public async Task InstallAsync(Kubectl kubectl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kubectl);

        // Set before the call: a timed-out apply may still have created it, and cleanup must then remove it.
        Applied = true;
        (await kubectl.RunAsync(["apply", "-f", ManifestPath], cancellationToken: cancellationToken)).EnsureSuccess($"applying {ManifestPath}");

        var seconds = (int)EstablishTimeout.TotalSeconds;
        var waited = await kubectl.RunAsync(
            ["wait", "--for=condition=Established", $"customresourcedefinition/{Name}", $"--timeout={seconds}s"],
            timeout: EstablishTimeout + TimeSpan.FromSeconds(15),
            cancellationToken: cancellationToken);
        waited.EnsureSuccess($"waiting {seconds} s for CRD {Name} to be Established");
        Established = true;
    }

    /// <summary>
    /// Removes the CRD when this run installed it, waiting (bounded) until it is gone. Only call once this run's
    /// objects of its kind are gone: deleting a CRD deletes its objects, and one still holding Guardrails' finalizer
    /// (an Environment) would keep the CRD terminating.
    /// </summary>
    /// <returns>Null when done or nothing was to be done; otherwise what went wrong, with the command to finish by hand.</returns>
    public async Task<string?> DeleteIfInstalledByRunAsync(Kubectl kubectl)
    {
        ArgumentNullException.ThrowIfNull(kubectl);
        if (ExistedBefore || !Applied)
        {
            return null;
        }

        try
        {
            // Not the test's token: cleanup must run even when the test was cancelled.
            var deleted = await kubectl.RunAsync(
                ["delete", "customresourcedefinition", Name, "--ignore-not-found", "--wait=true", "--timeout=60s"],
                timeout: TimeSpan.FromSeconds(75),
                cancellationToken: CancellationToken.None);
            return deleted.Succeeded ? null : $"deleting the CRD this run installed failed; remove it with: {DeleteCommand}\n{deleted}";
        }
        catch (TimeoutException ex)
        {
            return $"deleting the CRD this run installed timed out; remove it with: {DeleteCommand}\n{ex.Message}";
        }
    }
}
