package ai.sxwl.gateway.testing;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import static io.restassured.RestAssured.given;

/** Posts callbacks as the SXWL cloud does. */
public final class Callbacks {

    private Callbacks() {
    }

    public static ValidatableResponse onToken(String token, String body) {
        return given().contentType(ContentType.JSON).body(body).post("/callbacks/sxwl/" + token).then();
    }

    public static ValidatableResponse untokened(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/callbacks/sxwl").then();
    }

    /** The body the real sender posts: key {@code jobId}. */
    public static String body(String jobId, String status, String url) {
        return "{\"jobId\":\"" + jobId + "\",\"status\":\"" + status + "\",\"url\":\"" + url + "\"}";
    }
}
