using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Guardrails.Policies.State;

namespace Guardrails.Webhook.Cluster;

/// <summary>
/// A namespace's cached workloads by pod-template label (key and value), so a PodDisruptionBudget's matchLabels
/// visits only the workloads carrying one of its pairs instead of every workload of the namespace.
/// </summary>
/// <remarks>
/// Built on first use for one version of a namespace's workload map and kept beside it for as long as that map
/// lives: the map is immutable and every watch event in the namespace replaces it, so an index can never disagree
/// with the map it was built from, and a namespace nobody asks about never pays for one.
/// </remarks>
internal sealed class PodLabelIndex
{
    private static readonly ConditionalWeakTable<ImmutableDictionary<string, WorkloadSummary>, PodLabelIndex> Built = new();

    private readonly Dictionary<(string Key, string Value), List<WorkloadSummary>> _byLabel = [];

    private PodLabelIndex(ImmutableDictionary<string, WorkloadSummary> workloads)
    {
        foreach (var workload in workloads.Values)
        {
            foreach (var (key, value) in workload.PodLabels)
            {
                if (!_byLabel.TryGetValue((key, value), out var list))
                {
                    _byLabel[(key, value)] = list = [];
                }

                list.Add(workload);
            }
        }
    }

    public static PodLabelIndex For(ImmutableDictionary<string, WorkloadSummary> workloads) =>
        Built.GetValue(workloads, static w => new PodLabelIndex(w));

    /// <summary>The workloads whose pod template carries this label with this value; empty when none does.</summary>
    public IReadOnlyList<WorkloadSummary> With(string key, string value) =>
        _byLabel.TryGetValue((key, value), out var list) ? list : [];
}
