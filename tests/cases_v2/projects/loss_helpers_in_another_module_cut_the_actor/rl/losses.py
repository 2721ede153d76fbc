"""A loss helper of the training script: it evaluates the critic on the actor's actions under
`no_grad` and returns the objective, which the script backpropagates before stepping the actor's
optimizer; the critic's term trains nothing. The twin evaluates the critic on actions the
script made under `no_grad` itself: nothing is cut."""
import torch


def actor_loss(actor, critic, obs):
    actions = actor(obs)
    with torch.no_grad():
        q = critic(torch.cat([obs, actions], dim=1))  # expect: NG210@13
    return -q.mean() + 0.01 * actions.pow(2).mean()



def critic_probe(critic, obs, actions):
    with torch.no_grad():
        q = critic(torch.cat([obs, actions], dim=1))
    return q.mean() + obs.pow(2).mean()
