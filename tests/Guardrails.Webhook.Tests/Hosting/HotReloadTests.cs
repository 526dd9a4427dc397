using System.Text.Json.Nodes;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Hosting;

public sealed class HotReloadTests
{
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(2);

    private static string Pack(string mode) => $"""
        apiVersion: guardrails.dev/v1alpha1
        kind: RulePack
        metadata:
          name: tags
        spec:
          rules:
            - id: image-tag
              mode: {mode}
        """;

    private static async Task<AdmissionResponse> ValidateUntaggedPodAsync(HttpClient client)
    {
        using var http = await client.PostAsync("/validate", Fixtures.Json(Fixtures.Read("v1.24/create-pod-denied.json")), TestContext.Current.CancellationToken);
        return await AdmissionResponse.ReadAsync(http);
    }

    /// <summary>Polls until the condition holds; how long it took, or fails after the promised time (plus scheduling slack).</summary>
    private static Task<TimeSpan> WithinAsync(Func<Task<bool>> condition) =>
        Tls.Eventually.WithinAsync(Promise + TimeSpan.FromSeconds(1), condition, $"not within the promised {Promise.TotalSeconds}s");

    [Fact]
    public async Task A_valid_edit_takes_effect_within_two_seconds_without_restart()
    {
        await using var server = await GuardrailsServer.StartAsync(o => o with { PackReloadInterval = TimeSpan.FromMilliseconds(500) }, Pack("Enforce"));
        using var client = server.CreateClient();
        (await ValidateUntaggedPodAsync(client)).Allowed.ShouldBeFalse();

        await File.WriteAllTextAsync(Path.Combine(server.PoliciesDirectory, "pack.yaml"), Pack("Warn"), TestContext.Current.CancellationToken);

        var took = await WithinAsync(async () => (await ValidateUntaggedPodAsync(client)).Allowed);
        took.ShouldBeLessThan(Promise);
        var response = await ValidateUntaggedPodAsync(client);
        response.Warnings.ShouldHaveSingleItem().ShouldContain("[image-tag]");
    }

    [Fact]
    public async Task An_invalid_edit_is_refused_with_file_and_line_and_the_last_good_policy_keeps_serving()
    {
        await using var server = await GuardrailsServer.StartAsync(packs: Pack("Enforce"));
        using var client = server.CreateClient();

        await File.WriteAllTextAsync(Path.Combine(server.PoliciesDirectory, "pack.yaml"), Pack("Sometimes"), TestContext.Current.CancellationToken);

        JsonNode? packs = null;
        await WithinAsync(async () =>
        {
            packs = JsonNode.Parse(await client.GetStringAsync("/api/v1/packs", TestContext.Current.CancellationToken));
            return packs!["state"]!.GetValue<string>() == "serving-last-good";
        });
        var error = packs!["lastErrors"]!.AsArray().ShouldHaveSingleItem()!;
        error["file"]!.GetValue<string>().ShouldBe("pack.yaml");
        error["line"]!.GetValue<int>().ShouldBe(8);
        error["message"]!.GetValue<string>().ShouldContain("mode 'Sometimes'");
        (await ValidateUntaggedPodAsync(client)).Allowed.ShouldBeFalse();
        (await client.GetStringAsync("/readyz", TestContext.Current.CancellationToken)).ShouldBe("ready");
    }

    [Fact]
    public async Task A_configmap_style_symlink_swap_is_picked_up()
    {
        await using var server = await GuardrailsServer.StartAsync(o => o with { PackReloadInterval = TimeSpan.FromMilliseconds(500) }, Pack("Enforce"));
        var dir = server.PoliciesDirectory;

        // Lay the directory out as the kubelet mounts a ConfigMap: pack.yaml -> ..data/pack.yaml, ..data -> ..<timestamp>.
        File.Delete(Path.Combine(dir, "pack.yaml"));
        Directory.CreateDirectory(Path.Combine(dir, "..v1"));
        await File.WriteAllTextAsync(Path.Combine(dir, "..v1", "pack.yaml"), Pack("Enforce"), TestContext.Current.CancellationToken);
        File.CreateSymbolicLink(Path.Combine(dir, "..data"), "..v1");
        File.CreateSymbolicLink(Path.Combine(dir, "pack.yaml"), Path.Combine("..data", "pack.yaml"));
        using var client = server.CreateClient();
        (await ValidateUntaggedPodAsync(client)).Allowed.ShouldBeFalse();

        Directory.CreateDirectory(Path.Combine(dir, "..v2"));
        await File.WriteAllTextAsync(Path.Combine(dir, "..v2", "pack.yaml"), Pack("Audit"), TestContext.Current.CancellationToken);
        File.CreateSymbolicLink(Path.Combine(dir, "..data_tmp"), "..v2");
        Rename(Path.Combine(dir, "..data_tmp"), Path.Combine(dir, "..data")).ShouldBe(0);

        await WithinAsync(async () => (await ValidateUntaggedPodAsync(client)).Allowed);
        var response = await ValidateUntaggedPodAsync(client);
        response.AuditAnnotations.Keys.ShouldBe(["image-tag"]);
        response.Warnings.ShouldBeEmpty();
    }

    /// <summary>rename(2) replaces the <c>..data</c> symlink atomically, exactly as the kubelet updates a ConfigMap volume.</summary>
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename")]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code in the test project for one syscall.
    private static extern int Rename([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string from, [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string to);
#pragma warning restore SYSLIB1054
}
