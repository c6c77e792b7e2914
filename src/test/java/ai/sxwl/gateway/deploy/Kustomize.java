package ai.sxwl.gateway.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code kubectl kustomize} (offline) of the shipped k8s/ folders, for the tests that read what it renders. */
final class Kustomize {

    /** k8s/components/*: each one renders only on the base (a component cannot be rendered alone). */
    static final List<String> COMPONENTS = List.of("strimzi-topic", "prometheus-operator", "tenant-access",
            "egress-policy");

    private Kustomize() {
    }

    /** The multi-document YAML {@code kubectl kustomize folder} prints; fails the test on a non-zero exit. */
    static String render(String folder) throws IOException, InterruptedException {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", folder).redirectErrorStream(true).start();
        String rendered = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize " + folder);
        assertEquals(0, kubectl.exitValue(), rendered);
        return rendered;
    }

    /** The base with this one component: an overlay under target/kustomize, as an operator would write it. */
    static String baseWith(String component) throws IOException, InterruptedException {
        Path overlay = Path.of("target/kustomize", component);
        Files.createDirectories(overlay);
        Files.writeString(overlay.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                + "kind: Kustomization\nresources: [ ../../../k8s/base ]\n"
                + "components: [ ../../../k8s/components/" + component + " ]\n");
        return render(overlay.toString());
    }
}
