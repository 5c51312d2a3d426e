import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function StepLoading() {
  return <PageSkeleton label="Loading the step" />;
}
