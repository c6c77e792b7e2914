package ai.sxwl.gateway.production;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What docker/Dockerfile's final stage runs, read from the file (not copied): its ENTRYPOINT and CMD (exec form), and
 * the environment its ENV lines set; and the JAVA_OPTS the README recommends to operators.
 */
record ContainerImage(List<String> commandLine, Map<String, String> environment) {

    private static final Path DOCKERFILE = Path.of("docker/Dockerfile");
    private static final Pattern ASSIGNMENT = Pattern.compile("(\\w+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");
    private static final Pattern RECOMMENDED_JAVA_OPTS = Pattern.compile("`JAVA_OPTS=([^`]+)`");

    static ContainerImage read() throws IOException {
        // Instructions of the final stage, continuation lines joined.
        String text = Files.readString(DOCKERFILE).replaceAll("\\\\\\n\\s*", " ");
        List<String> instructions = text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        int lastFrom = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).startsWith("FROM ")) {
                lastFrom = i;
            }
        }
        Map<String, String> environment = new LinkedHashMap<>();
        List<String> entrypoint = List.of();
        List<String> cmd = List.of();
        ObjectMapper json = new ObjectMapper();
        for (String instruction : instructions.subList(lastFrom, instructions.size())) {
            String[] parts = instruction.split("\\s+", 2);
            switch (parts[0]) {
                case "ENV" -> {
                    Matcher assignment = ASSIGNMENT.matcher(parts[1]);
                    while (assignment.find()) {
                        String value = assignment.group(2);
                        environment.put(assignment.group(1), value.startsWith("\"")
                                ? value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1") : value);
                    }
                }
                case "ENTRYPOINT" -> entrypoint = json.readValue(parts[1], new TypeReference<>() { });
                case "CMD" -> cmd = json.readValue(parts[1], new TypeReference<>() { });
                default -> { }
            }
        }
        List<String> commandLine = new ArrayList<>(entrypoint);
        commandLine.addAll(cmd);
        return new ContainerImage(List.copyOf(commandLine), Map.copyOf(environment));
    }

    /** Every JAVA_OPTS the README recommends ({@code `JAVA_OPTS=...`}), as one flag set. */
    static String recommendedJavaOpts() throws IOException {
        Matcher recommended = RECOMMENDED_JAVA_OPTS.matcher(Files.readString(Path.of("README.md")));
        List<String> flags = new ArrayList<>();
        while (recommended.find()) {
            flags.add(recommended.group(1).trim());
        }
        return String.join(" ", flags);
    }
}
