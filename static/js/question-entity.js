// The editors' question about a passage, in Wagtail's rich text editor (Draftail).
// Select words, press the "?" control and write the question readers are asked
// about them. The words are kept as an entity with the question and a key made
// here once, so the question stays with its words through every edit. Pressing
// the marked words shows the question, with Edit and Remove.
(() => {
  const { React, DraftJS, draftail } = window;
  if (!React || !DraftJS || !draftail) return;
  const { EditorState, RichUtils } = DraftJS;
  const MAX = 300;
  const ASK = "The question readers are asked about these words (for example: Is this claim fair?)";

  function newKey() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  class QuestionSource extends React.Component {
    componentDidMount() {
      const { editorState, entityType, entity, entityKey, onComplete, onClose } = this.props;
      const selection = editorState.getSelection();
      if (!entity && selection.isCollapsed()) {
        window.alert("Select the words the question is about first.");
        onClose();
        return;
      }
      const before = entity ? entity.getData() : {};
      const answer = window.prompt(ASK, before.question || "");
      const question = (answer || "").replace(/\s+/g, " ").trim().slice(0, MAX);
      if (!question) {
        onClose();
        return;
      }
      let content = editorState.getCurrentContent();
      if (entity && entityKey) {
        content = content.mergeEntityData(entityKey, { question });
        onComplete(EditorState.push(editorState, content, "apply-entity"));
        return;
      }
      content = content.createEntity(entityType.type, "MUTABLE", { id: newKey(), question });
      const key = content.getLastCreatedEntityKey();
      const withEntity = EditorState.push(editorState, content, "apply-entity");
      onComplete(RichUtils.toggleLink(withEntity, selection, key));
    }

    render() {
      return null;
    }
  }

  function Question(props) {
    const { question } = props.contentState.getEntity(props.entityKey).getData();
    return React.createElement(
      draftail.TooltipEntity,
      { ...props, icon: "#icon-help", label: `Question: ${question}`, url: "#" },
      props.children,
    );
  }

  draftail.registerPlugin({ type: "QUESTION", source: QuestionSource, decorator: Question }, "entityTypes");
})();
