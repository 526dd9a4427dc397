using System.Text;
using System.Text.Json.Nodes;
using Guardrails.Tests;

namespace Guardrails.Webhook.Tests.Support;

internal static class Fixtures
{
    /// <summary>
    /// The single requests a person's kubectl made against a real kube-apiserver (v1.19, v1.24), as paths relative to
    /// the fixtures folder. The v1.26 folders are whole controller sequences, replayed in order by their own tests:
    /// most of their requests (Events, ConfigMaps, controllers' writes) are not workloads a person sent.
    /// </summary>
    public static IEnumerable<string> Recorded() =>
        SingleRequestFolders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepoPaths.AdmissionFixtures, folder), "*.json", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(RepoPaths.AdmissionFixtures, f))
            .Order(StringComparer.Ordinal);

    private static readonly string[] SingleRequestFolders = ["v1.19", "v1.24"];

    /// <summary>
    /// Every recorded AdmissionReview, the v1.26 controller sequences' too (not their quota-*.json or events.json,
    /// which are not reviews): seeds for fuzzing, where what matters is that each is a real apiserver body.
    /// </summary>
    public static IEnumerable<string> AllReviews() =>
        Recorded().Concat(
            Directory.EnumerateFiles(Path.Combine(RepoPaths.AdmissionFixtures, "v1.26"), "*.json", SearchOption.AllDirectories)
                .Where(f => !Path.GetFileName(f).StartsWith("quota-", StringComparison.Ordinal) && Path.GetFileName(f) != "events.json")
                .Select(f => Path.GetRelativePath(RepoPaths.AdmissionFixtures, f))
                .Order(StringComparer.Ordinal));

    public static byte[] Read(string relative) => File.ReadAllBytes(Path.Combine(RepoPaths.AdmissionFixtures, relative));

    /// <summary>Wraps an object as the apiserver would send it on CREATE.</summary>
    public static string Wrap(JsonNode obj, string uid, string group, string version, string kind, string @namespace = "team-a")
    {
        var review = new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = uid,
                ["kind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = kind },
                ["resource"] = new JsonObject { ["group"] = group, ["version"] = version, ["resource"] = kind.ToLowerInvariant() + "s" },
                ["name"] = obj["metadata"]?["name"]?.GetValue<string>(),
                ["namespace"] = @namespace,
                ["operation"] = "CREATE",
                ["userInfo"] = new JsonObject { ["username"] = "dev@example.com" },
                ["object"] = obj.DeepClone(),
                ["oldObject"] = null,
                ["dryRun"] = false,
            },
        };
        return review.ToJsonString();
    }

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }
}
