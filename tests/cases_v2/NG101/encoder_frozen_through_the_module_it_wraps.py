"""A dialogue-state tracker freezes its slot-value encoder through the library model it wraps
(`for p in self.sv_encoder.bert.parameters(): p.requires_grad = False`); the wrapper's `forward`
runs nothing but `self.bert`. Encoding the slot names on integer ids records nothing: silent. Twin:
`utterance_encoder`, whose pooler alone is frozen, run the same way, NG101."""
import torch
import torch.nn as nn
from pytorch_pretrained_bert.modeling import BertModel, BertPreTrainedModel


class BertForUtteranceEncoding(BertPreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        self.config = config
        self.bert = BertModel(config)

    def forward(self, input_ids, token_type_ids, attention_mask):
        return self.bert(input_ids, token_type_ids, attention_mask)


class BeliefTracker(nn.Module):
    def __init__(self, bert_dir, num_slots):
        super().__init__()
        self.utterance_encoder = BertForUtteranceEncoding.from_pretrained(bert_dir)
        for p in self.utterance_encoder.bert.pooler.parameters():
            p.requires_grad = False
        self.sv_encoder = BertForUtteranceEncoding.from_pretrained(bert_dir)
        for p in self.sv_encoder.bert.parameters():
            p.requires_grad = False
        self.slot_lookup = nn.Embedding(num_slots, 768)

    def initialize_slot_lookup(self, slot_ids):
        self.sv_encoder.eval()
        hidden, _ = self.sv_encoder(slot_ids, torch.zeros_like(slot_ids), slot_ids > 0)
        self.slot_lookup = nn.Embedding.from_pretrained(hidden[:, 0, :].detach(), freeze=True)

    def initialize_value_lookup(self, value_ids):
        self.utterance_encoder.eval()
        hidden, _ = self.utterance_encoder(value_ids, torch.zeros_like(value_ids), value_ids > 0)  # expect: NG101@21
        self.value_lookup = nn.Embedding.from_pretrained(hidden[:, 0, :].detach(), freeze=True)
