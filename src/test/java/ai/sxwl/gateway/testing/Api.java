package ai.sxwl.gateway.testing;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.util.Map;

import static io.restassured.RestAssured.given;

/** Calls to the internal API as a tenant, and job specs to submit. */
public final class Api {

    /** At least 32 characters each: the gateway refuses shorter keys outside the embedded build. */
    public static final Map<String, String> API_KEYS = Map.of(
            "acme", "acme-api-key-3a9f1c7d-09db2a4a46a2d6", "globex", "globex-api-key-7be210aa-cdd42266b36353",
            "initech", "initech-api-key-0c44e1f9-4e8ee806932b9d", "umbrella", "umbrella-api-key-51c0de77-9235f8e4a415bf",
            "hooli", "hooli-api-key-5e1d7c20-8b3f9a64c0e2d7");

    private Api() {
    }

    public static RequestSpecification as(String tenant) {
        return given().header("Authorization", "Bearer " + API_KEYS.get(tenant)).contentType(ContentType.JSON);
    }

    /** The seed document's example spec, with the given runCommand (the simulator's script). */
    public static String spec(String runCommand) {
        return """
                {
                  "gpuNumber": 1,
                  "gpuType": "NVIDIA-GeForce-RTX-3090",
                  "ckptPath": "/data",
                  "ckptVol": "10000",
                  "modelPath": "/data2",
                  "modelVol": 10000,
                  "imagePath": "dockerhub.kubekey.local/kubesphereio/train:test",
                  "jobType": "GeneralJob",
                  "stopType": "1",
                  "stopTime": "5",
                  "pretrainedModelName": "chatglm3-6b",
                  "pretrainedModelPath": "/sixpen_models/chatlm3",
                  "datasetName": "train-dataset",
                  "datasetPath": "/sixpen_models/train_outputs/test_10059997",
                  "runCommand": "%s",
                  "callbackUrl": "https://llm.nascentcore.cn/api/test/callback",
                  "env": {"OPEN_NODE_TOKEN": "9999-node-token-secret"},
                  "pretrainedModelId": "future-field-kept"
                }""".formatted(runCommand);
    }

    /** Submits as {@code tenant}; returns upstream's job id. */
    public static String submit(String tenant, String runCommand) {
        return as(tenant).body(spec(runCommand)).post("/api/userJob").then().statusCode(200)
                .extract().path("job_id");
    }
}
