using System.Globalization;
using System.Text.Json;

namespace Guardrails.E2E.Support;

/// <summary>
/// Whether this run may let its Guardrails provision. Its controller reconciles every Environment in the cluster,
/// not only the run's, and another Guardrails controller would reconcile the run's with settings that do not know the
/// run's team; either way someone's objects would be fought over. When this finds such a conflict the run's
/// controller is never given its Lease namespace (so it never leads and changes nothing), and the provisioning cases
/// fail with the reason instead of with a confusing timeout.
/// </summary>
internal static class ProvisioningPreflight
{
    /// <summary>The Lease every Guardrails provisioning controller holds in its own namespace.</summary>
    public const string LeaseName = "guardrails-provisioner";

    // A holder renews every third of its lease duration; past the duration plus this margin (for clock skew between
    // this machine and the cluster) it is gone.
    private static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(60);

    /// <summary>Null when provisioning is safe to run; otherwise why not, in words for the failing tests.</summary>
    public static async Task<string?> FindConflictAsync(Kubectl kubectl, bool crdExistedBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kubectl);
        var leases = await kubectl.RunAsync(
            ["get", "leases.coordination.k8s.io", "--all-namespaces", "--field-selector", $"metadata.name={LeaseName}", "-o", "json"],
            cancellationToken: cancellationToken);
        if (!leases.Succeeded)
        {
            // Unknown is treated as a conflict: provisioning against a live controller would corrupt someone's environments.
            return $"could not look for other Guardrails provisioning controllers (Leases named {LeaseName} in all namespaces):\n{leases}";
        }

        var active = ActiveHolders(leases.Stdout, DateTimeOffset.UtcNow);
        if (active.Count > 0)
        {
            return $"another Guardrails provisioning controller is active in this cluster ({string.Join("; ", active)}): it would reconcile this run's "
                + "Environments with platform settings that do not list the run's team, and this run's controller would reconcile its Environments. "
                + "Run the provisioning cases against a cluster without one (also: not two E2E runs at once).";
        }

        if (!crdExistedBefore)
        {
            return null;
        }

        // Environments this suite did not create (every E2E Environment carries the run label, whatever the run).
        var foreign = await kubectl.RunAsync(
            ["get", RepositoryCrd.Environments, "-l", $"!{TestObjects.RunLabel}", "-o", "name"],
            cancellationToken: cancellationToken);
        if (!foreign.Succeeded)
        {
            return $"could not list the cluster's Environments:\n{foreign}";
        }

        var names = foreign.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Length == 0
            ? null
            : $"the cluster already holds {names.Length} Environment(s) this suite did not create ({string.Join(", ", names.Take(5))}{(names.Length > 5 ? ", ..." : "")}): "
                + "this run's provisioning controller would reconcile them with the test's platform settings. Run the provisioning cases against a cluster without them.";
    }

    private static List<string> ActiveHolders(string json, DateTimeOffset now)
    {
        var active = new List<string>();
        using var document = JsonDocument.Parse(json);
        foreach (var lease in document.RootElement.GetProperty("items").EnumerateArray())
        {
            var ns = lease.GetProperty("metadata").GetProperty("namespace").GetString();
            if (!lease.TryGetProperty("spec", out var spec))
            {
                continue;
            }

            var holder = spec.TryGetProperty("holderIdentity", out var h) ? h.GetString() : null;
            var seconds = spec.TryGetProperty("leaseDurationSeconds", out var d) && d.TryGetInt32(out var s) ? s : 15;
            var renewed = spec.TryGetProperty("renewTime", out var r)
                && DateTimeOffset.TryParse(r.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    ? at
                    : (DateTimeOffset?)null;
            if (string.IsNullOrEmpty(holder) || renewed is null || now - renewed.Value > TimeSpan.FromSeconds(seconds) + ClockMargin)
            {
                continue;
            }

            active.Add(string.Create(CultureInfo.InvariantCulture, $"Lease {ns}/{LeaseName} held by {holder}, renewed {renewed.Value:O}"));
        }

        return active;
    }
}
