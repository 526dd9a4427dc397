namespace Guardrails.Policies.RuleFiles;

/// <summary>
/// Keeps a compilation's context loaded while a compiled policy uses its rules, and unloads it once that policy is
/// gone: the policy holds this object, so when the policy is collected nothing can still be running rule code.
/// </summary>
internal sealed class RuleCode
{
    private readonly RuleFileLoadContext _context;

    public RuleCode(RuleFileLoadContext context)
    {
        _context = context;
    }

    public WeakReference Context => new(_context);

    ~RuleCode()
    {
        _context.Unload();
    }
}
