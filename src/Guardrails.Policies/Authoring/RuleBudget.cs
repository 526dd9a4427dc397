using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Guardrails.Policies.Authoring;

/// <summary>
/// The run-time budget of rule files. The loader inserts <see cref="Enter"/> at the start of every method, accessor,
/// local function and lambda, and <see cref="Tick"/> at every loop back-edge, so no rule file can pin a thread or
/// overflow the stack; rule code never needs to call them itself. One evaluation runs on one thread, so the deadline
/// is per thread.
/// </summary>
public static class RuleBudget
{
    // Reading the clock costs more than the loop bodies it guards: look at it once every so many checks.
    private const int ChecksPerClockRead = 32;

    [ThreadStatic]
    private static long t_deadline;

    [ThreadStatic]
    private static int t_countdown;

    [ThreadStatic]
    private static TimeSpan t_budget;

    /// <summary>A loop went round once more.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tick()
    {
        if (--t_countdown <= 0)
        {
            CheckClock();
        }
    }

    /// <summary>A method was entered: the clock, and the stack (deep recursion is stopped before it overflows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Enter()
    {
        if (--t_countdown <= 0)
        {
            CheckClock();
        }

        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new RuleBudgetExceededException($"recursed too deeply (the stack is nearly full) within {Format(t_budget)}");
        }
    }

    /// <summary>Starts the budget for one rule on one object; the previous one is returned to be restored.</summary>
    internal static (long Deadline, TimeSpan Budget) Start(TimeSpan budget)
    {
        var previous = (t_deadline, t_budget);
        t_budget = budget;
        t_deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        t_countdown = ChecksPerClockRead;
        return previous;
    }

    internal static void Restore((long Deadline, TimeSpan Budget) previous)
    {
        (t_deadline, t_budget) = previous;
        t_countdown = ChecksPerClockRead;
    }

    internal static string Format(TimeSpan budget) => budget.TotalMilliseconds >= 1 ? $"{budget.TotalMilliseconds:0.#} ms" : $"{budget.TotalMicroseconds:0} µs";

    private static void CheckClock()
    {
        t_countdown = ChecksPerClockRead;

        // No budget started (0) means the code runs outside an evaluation the engine guards: never stop it there.
        if (t_deadline != 0 && Stopwatch.GetTimestamp() > t_deadline)
        {
            throw new RuleBudgetExceededException($"did not finish within {Format(t_budget)}");
        }
    }
}
