using System.Text.Json.Nodes;

namespace Guardrails.Webhook.Tests.Support;

/// <summary>
/// UPDATE reviews in the shape a kube-apiserver sends them, built from recorded requests: operation UPDATE,
/// UpdateOptions, the stored object as <c>oldObject</c> and the changed one, with the next resourceVersion, as
/// <c>object</c> (see v1.24/update-deployment.json and the v1.26 sequences for recorded ones).
/// </summary>
internal static class UpdateReviews
{
    /// <param name="fixture">A recorded review; its <c>object</c> (or, for a recorded UPDATE, its <c>oldObject</c>) is the stored object.</param>
    /// <param name="change">The update, applied to a copy of the stored object.</param>
    /// <param name="stored">Changes to the stored object first (for example, a deletion mark the apiserver set earlier).</param>
    public static string From(string fixture, Action<JsonNode> change, Action<JsonNode>? stored = null, string fieldManager = "kubectl-edit")
    {
        var review = JsonNode.Parse(Fixtures.Read(fixture))!;
        var request = review["request"]!;
        var before = (request["oldObject"] ?? request["object"])!.DeepClone();
        stored?.Invoke(before);
        before["metadata"]!["resourceVersion"] ??= "1000";
        var after = before.DeepClone();
        change(after);
        after["metadata"]!["resourceVersion"] = (int.Parse(before["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        request["uid"] = Guid.NewGuid().ToString();
        request["operation"] = "UPDATE";
        request["options"] = new JsonObject { ["kind"] = "UpdateOptions", ["apiVersion"] = "meta.k8s.io/v1", ["fieldManager"] = fieldManager };
        request["object"] = after;
        request["oldObject"] = before;
        return review.ToJsonString();
    }
}
