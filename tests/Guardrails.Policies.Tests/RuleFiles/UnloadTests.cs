using System.Runtime.CompilerServices;
using Guardrails.Policies.Engine;
using Guardrails.Policies.RuleFiles;
using Guardrails.Policies.Tests.Support;

namespace Guardrails.Policies.Tests.RuleFiles;

/// <summary>Replacing a policy unloads its rule files' code: edits do not pile up assemblies.</summary>
public sealed class UnloadTests
{
    private static readonly string Pack = RuleFilePolicy.Pack("edited");

    [Fact]
    public void A_replaced_policy_unloads_its_rule_code()
    {
        var context = LoadAndDrop(0);

        Collect(() => !context.IsAlive);

        context.IsAlive.ShouldBeFalse("the rule files' load context is still alive after its policy was dropped");
    }

    [Fact]
    public void Two_hundred_edit_reload_cycles_leave_memory_flat()
    {
        for (var i = 0; i < 20; i++)
        {
            LoadAndDrop(i);
        }

        Collect(() => false, rounds: 3);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        WeakReference? last = null;
        for (var i = 20; i < 220; i++)
        {
            last = LoadAndDrop(i);
        }

        Collect(() => !last!.IsAlive);
        var after = GC.GetTotalMemory(forceFullCollection: true);

        last!.IsAlive.ShouldBeFalse();

        // Loose on purpose (Roslyn and the GC keep caches): 200 leaked contexts would hold far more than this.
        (after - before).ShouldBeLessThan(30L * 1024 * 1024, $"managed heap grew from {before / 1024} KiB to {after / 1024} KiB over 200 reloads");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadAndDrop(int edit)
    {
        var policy = RuleFilePolicy.Compile(Pack, RuleFilePolicy.RuleFile("edited", $$"""
                    if (context.Object.Name != "edit-{{edit}}") { context.Report("metadata.name", context.Object.Name ?? "unset", "edit {{edit}}", "rename"); }
            """));
        policy.Evaluate("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }").Violations.ShouldHaveSingleItem().Message.ShouldBe($"edit {edit}");
        return ((RuleCode)policy.RuleCode!).Context;
    }

    private static void Collect(Func<bool> done, int rounds = 20)
    {
        for (var i = 0; i < rounds && !done(); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }
}
