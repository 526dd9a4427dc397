namespace Guardrails.Policies.Engine.Updates;

/// <summary>
/// What a Pod UPDATE can change: Kubernetes refuses changes to the rest of a pod's spec, so a violation there was
/// in the pod before the update and the update cannot be what introduced it (Pod Security Admission exempts the same
/// updates).
/// </summary>
internal static class PodUpdateFields
{
    public static bool IsMutable(FieldPath path)
    {
        if (path.KeyAt(0, "metadata"))
        {
            return true;
        }

        if (!path.KeyAt(0, "spec"))
        {
            return false;
        }

        return path.KeyAt(1, "activeDeadlineSeconds")
            || path.KeyAt(1, "tolerations")
            || path.KeyAt(1, "schedulingGates")
            || path.KeyAt(1, "ephemeralContainers")
            || ((path.KeyAt(1, "containers") || path.KeyAt(1, "initContainers")) && path.KeyAt(3, "image"));
    }
}
