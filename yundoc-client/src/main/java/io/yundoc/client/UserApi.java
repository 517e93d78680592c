package io.yundoc.client;

/** The user endpoints of api.md §5.2, with the user's access token. Obtain it from {@link YundocClient#user()}. */
public final class UserApi {
    private final Transport t;

    UserApi(Transport t) {
        this.t = t;
    }

    /** {@code GET /user/basic}: the user's ids as this app sees them, nickname and avatar. */
    public Models.UserInfo basic() {
        return t.call(
                new ApiRequest("GET", "/api/v1/openapi/user/basic", ApiRequest.Auth.TOKEN), Models.UserInfo.class);
    }

    /** {@code POST /user/edit_token}: a fresh edit token. */
    public Models.EditToken editToken() {
        return editToken(null);
    }

    /**
     * {@code POST /user/edit_token}: a fresh edit token, expiring {@code current} if given.
     *
     * @param current the edit token to expire, or null
     */
    public Models.EditToken editToken(String current) {
        ApiRequest r = new ApiRequest("POST", "/api/v1/openapi/user/edit_token", ApiRequest.Auth.TOKEN)
                .json(YundocClient.bytes(
                        current == null
                                ? YundocClient.object()
                                : YundocClient.object().put("token", current)));
        return t.call(r, Models.EditToken.class);
    }
}
