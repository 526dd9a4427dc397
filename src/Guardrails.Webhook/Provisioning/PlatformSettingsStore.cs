using Guardrails.Policies.Packs;

namespace Guardrails.Webhook.Provisioning;

/// <summary>The platform settings in force; a refused edit leaves the last good ones serving, like packs.</summary>
public sealed class PlatformSettingsStore
{
    private volatile PlatformSettings? _current;
    private volatile IReadOnlyList<PackError> _lastErrors = [];

    public PlatformSettings? Current => _current;

    public IReadOnlyList<PackError> LastErrors => _lastErrors;

    public void Apply(PlatformSettingsLoadResult result)
    {
        if (result.Settings is { } settings)
        {
            _current = settings;
            _lastErrors = [];
        }
        else
        {
            _lastErrors = result.Errors;
        }
    }
}
