package ai.sxwl.gateway.tenant;

import ai.sxwl.gateway.problem.ProblemException;
import jakarta.enterprise.context.RequestScoped;

/** The tenant the current /api request authenticated as. */
@RequestScoped
public class CurrentTenant {

    private Tenant tenant;

    /** By the authentication filters: the API key filter, and the console's session. */
    public void set(Tenant tenant) {
        this.tenant = tenant;
    }

    public Tenant get() {
        if (tenant == null) {
            throw ProblemException.of(401, "Unauthorized", "An API key is required.");
        }
        return tenant;
    }

    public String name() {
        return get().name();
    }
}
