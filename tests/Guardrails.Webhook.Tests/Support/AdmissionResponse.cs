using System.Text;
using System.Text.Json.Nodes;

namespace Guardrails.Webhook.Tests.Support;

/// <summary>An AdmissionReview response as the apiserver would read it.</summary>
internal sealed record AdmissionResponse(string Uid, bool Allowed, int? Code, string? Message, IReadOnlyList<string> Warnings, IReadOnlyDictionary<string, string> AuditAnnotations, string? PatchType, string? Patch)
{
    public static async Task<AdmissionResponse> ReadAsync(HttpResponseMessage http)
    {
        var text = await http.Content.ReadAsStringAsync();
        ((int)http.StatusCode).ShouldBe(200, text);
        http.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var root = JsonNode.Parse(text)!;
        root["apiVersion"]!.GetValue<string>().ShouldBe("admission.k8s.io/v1");
        root["kind"]!.GetValue<string>().ShouldBe("AdmissionReview");
        var response = root["response"]!;
        return new AdmissionResponse(
            response["uid"]!.GetValue<string>(),
            response["allowed"]!.GetValue<bool>(),
            response["status"]?["code"]?.GetValue<int>(),
            response["status"]?["message"]?.GetValue<string>(),
            response["warnings"]?.AsArray().Select(w => w!.GetValue<string>()).ToList() ?? [],
            response["auditAnnotations"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [],
            response["patchType"]?.GetValue<string>(),
            response["patch"] is { } patch ? Encoding.UTF8.GetString(Convert.FromBase64String(patch.GetValue<string>())) : null);
    }
}
