using Guardrails.Policies.Engine;
using Guardrails.Webhook.Provisioning;

namespace Guardrails.Webhook.Hosting;

/// <summary>
/// One read of the policies directory: the fingerprint of the files it read, the compiled packs, and the platform
/// settings in them (null when the directory could not be read at all).
/// </summary>
public sealed record PackLoad(string Fingerprint, PolicyLoadResult Policy, PlatformSettingsLoadResult? Settings);
