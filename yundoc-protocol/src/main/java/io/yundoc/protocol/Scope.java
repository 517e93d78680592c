package io.yundoc.protocol;

import java.util.Optional;

/**
 * The eight KDocs scopes with their documented display names (api.md §3.3; {@code edit_personal_files} as every
 * ksheet, dbt and webhook page prints it, docs/api-families.md §F0 (row 1)).
 */
public enum Scope {
    USER_BASIC("user_basic", "用户基本信息", "Your basic profile (nickname, avatar)"),
    ACCESS_PERSONAL_FILES("access_personal_files", "访问个人文档", "List and read your documents"),
    DOWNLOAD_PERSONAL_FILES("download_personal_files", "下载文档", "Download your documents"),
    CREATE_PERSONAL_FILES("create_personal_files", "创建个人文档", "Create and upload documents"),
    EDIT_PERSONAL_FILES("edit_personal_files", "编辑文档内容", "Edit your documents' content and manage their share links"),
    MODIFY_PERSONAL_FILES("modify_personal_files", "修改个人文档", "Rename, move and recover documents"),
    REMOVE_PERSONAL_FILES("remove_personal_files", "删除个人文档", "Delete documents"),
    CLONE_PERSONAL_FILES("clone_personal_files", "复制个人文档", "Copy documents");

    private final String wireName;
    private final String displayZh;
    private final String displayEn;

    Scope(String wireName, String displayZh, String displayEn) {
        this.wireName = wireName;
        this.displayZh = displayZh;
        this.displayEn = displayEn;
    }

    public String wireName() {
        return wireName;
    }

    public String displayZh() {
        return displayZh;
    }

    public String displayEn() {
        return displayEn;
    }

    public static Optional<Scope> parse(String name) {
        for (Scope s : values()) {
            if (s.wireName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
