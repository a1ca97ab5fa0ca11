#include <gtest/gtest.h>

#include "tern/chat.h"

namespace tern {
namespace {

using Role = ChatMessage::Role;

TEST(ChatFormat, BitNetSingleTurn) {
    const std::vector<ChatMessage> msgs = {{Role::System, "You are helpful."}, {Role::User, "Hi"}};
    EXPECT_EQ(format_chat(msgs, ChatTemplate::BitNet2B, true),
              "System: You are helpful.<|eot_id|>User: Hi<|eot_id|>Assistant: ");
}

TEST(ChatFormat, BitNetWithoutGenerationPrompt) {
    const std::vector<ChatMessage> msgs = {{Role::User, "Hi"}};
    EXPECT_EQ(format_chat(msgs, ChatTemplate::BitNet2B, false), "User: Hi<|eot_id|>");
}

TEST(ChatFormat, BitNetMultiTurn) {
    const std::vector<ChatMessage> msgs = {
        {Role::System, "Be brief."},
        {Role::User, "What is 2+2?"},
        {Role::Assistant, "4"},
        {Role::User, "And 3+3?"},
    };
    EXPECT_EQ(format_chat(msgs, ChatTemplate::BitNet2B, true),
              "System: Be brief.<|eot_id|>User: What is 2+2?<|eot_id|>Assistant: 4<|eot_id|>"
              "User: And 3+3?<|eot_id|>Assistant: ");
}

TEST(ChatFormat, BitNetNoSystemPrompt) {
    const std::vector<ChatMessage> msgs = {{Role::User, "Hello"}};
    EXPECT_EQ(format_chat(msgs, ChatTemplate::BitNet2B, true), "User: Hello<|eot_id|>Assistant: ");
}

TEST(ChatFormat, EmptySystemPromptIsOmitted) {
    const std::vector<ChatMessage> empty = {{Role::System, ""}, {Role::User, "Hello"}};
    EXPECT_EQ(format_chat(empty, ChatTemplate::BitNet2B, true), "User: Hello<|eot_id|>Assistant: ");
    // Whitespace only trims to empty, so it is omitted too.
    const std::vector<ChatMessage> blank = {{Role::System, " \r\n\t"}, {Role::User, "Hello"}};
    EXPECT_EQ(format_chat(blank, ChatTemplate::BitNet2B, true), "User: Hello<|eot_id|>Assistant: ");
    EXPECT_EQ(format_chat(empty, ChatTemplate::Plain, true), "User: Hello\nAssistant:");
}

TEST(ChatFormat, ContentIsTrimmedButInnerNewlinesKept) {
    const std::vector<ChatMessage> msgs = {
        {Role::System, "\r\n  You are helpful.\t\n"},
        {Role::User, "  line one\n\nline two\r\n"},
    };
    EXPECT_EQ(format_chat(msgs, ChatTemplate::BitNet2B, true),
              "System: You are helpful.<|eot_id|>User: line one\n\nline two<|eot_id|>Assistant: ");
}

TEST(ChatFormat, NonAsciiContentIsNotTrimmed) {
    const std::vector<ChatMessage> msgs = {{Role::User, " h\xC3\xA9 \xC3\xA0 "}};
    EXPECT_EQ(format_chat(msgs, ChatTemplate::Plain, false), "User: h\xC3\xA9 \xC3\xA0\n");
}

TEST(ChatFormat, PlainTemplate) {
    const std::vector<ChatMessage> msgs = {
        {Role::System, " Be brief. "},
        {Role::User, "Hi\nthere"},
        {Role::Assistant, "Hello!"},
        {Role::User, "Bye"},
    };
    EXPECT_EQ(format_chat(msgs, ChatTemplate::Plain, true),
              "System: Be brief.\nUser: Hi\nthere\nAssistant: Hello!\nUser: Bye\nAssistant:");
    EXPECT_EQ(format_chat(msgs, ChatTemplate::Plain, false),
              "System: Be brief.\nUser: Hi\nthere\nAssistant: Hello!\nUser: Bye\n");
}

TEST(ChatFormat, EmptyConversation) {
    EXPECT_EQ(format_chat({}, ChatTemplate::BitNet2B, true), "Assistant: ");
    EXPECT_EQ(format_chat({}, ChatTemplate::Plain, true), "Assistant:");
    EXPECT_EQ(format_chat({}, ChatTemplate::BitNet2B, false), "");
}

TEST(ChatFormat, RoleName) {
    EXPECT_STREQ(role_name(Role::System), "System");
    EXPECT_STREQ(role_name(Role::User), "User");
    EXPECT_STREQ(role_name(Role::Assistant), "Assistant");
}

}  // namespace
}  // namespace tern
