"""A chat script loads a vision-language model with `from_pretrained` (eval mode), turns images
into a tensor with the model's own `process_images` (input preparation, no forward pass) and
answers with `generate` (which runs without gradients): silent there (round 36: a high false
finding at `process_images`). The script then scores the answers with the model's plain forward
pass and keeps only numbers: reported, at the call of the model."""
import torch
from PIL import Image
from transformers import AutoModelForCausalLM, AutoTokenizer

model = AutoModelForCausalLM.from_pretrained("org/vlm", trust_remote_code=True)
tokenizer = AutoTokenizer.from_pretrained("org/vlm", trust_remote_code=True)
input_ids = torch.tensor([tokenizer("USER: <image> What is it? ASSISTANT:").input_ids])
images = [Image.open(path) for path in ["a.png", "b.png"]]
image_tensor = model.process_images(images, model.config).to(dtype=model.dtype)
output_ids = model.generate(input_ids, images=image_tensor, max_new_tokens=50)
print(tokenizer.batch_decode(output_ids, skip_special_tokens=True))
scores = model(output_ids, images=image_tensor).logits.softmax(-1).max(-1).values  # expect: NG101@10
print(scores.tolist())
